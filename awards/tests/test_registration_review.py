"""Issue 12 (4): the office rejects or reassigns a registration; a company whose credit code is taken
asks for a review; the office hears of registrations once a day."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.models import User
from awards.models import Enterprise, RegistrationReview
from awards.services import registrations_digest
from awards.tests.factories import PDF_BYTES, pdf
from awards.tests.test_registration import CODE, form
from notifications.models import Notification
from portal.demo import make_credit_code
from tests.factories import TEST_PASSWORD, EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def squatted(users):
    """A registration of someone else's credit code, not yet verified."""
    enterprise = EnterpriseFactory(name="冒名企业有限公司", credit_code=CODE)
    squatter = UserFactory(
        role="enterprise", enterprise=enterprise, username="squatter", email="s@example.com"
    )
    return enterprise, squatter


def _reject(client, enterprise, reason="营业执照与登记的企业名称不符"):
    return client.post(
        reverse("awards:enterprise_reject", args=[enterprise.pk]), {"reason": reason}, follow=True
    )


def test_office_rejects_a_registration_with_a_reason_the_registrant_is_told(client, users, squatted):
    enterprise, squatter = squatted
    client.force_login(users["office"])
    response = _reject(client, enterprise)
    assert "已驳回" in response.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.is_rejected and enterprise.rejection_reason == "营业执照与登记的企业名称不符"
    told = Notification.objects.filter(recipient=squatter, occasion=f"enterprise:{enterprise.pk}:rejected")
    assert told.filter(channel="email").exists()
    assert "营业执照与登记的企业名称不符" in told.first().body
    # the registrant can no longer log in, and is told why
    other = client.__class__()
    page = other.post(reverse("accounts:login"), {"username": "squatter", "password": TEST_PASSWORD})
    assert "注册已被办公室驳回" in page.content.decode() and "_auth_user_id" not in other.session
    other.force_login(squatter)
    assert other.get(reverse("awards:my_applications")).status_code == 403


def test_a_rejected_code_can_be_registered_by_the_real_company(client, users, squatted):
    enterprise, _ = squatted
    client.force_login(users["office"])
    _reject(client, enterprise)
    client.logout()
    response = client.post(reverse("awards:register"), form(username="realcorp"))
    assert response.status_code == 302
    assert (
        Enterprise.objects.filter(credit_code=CODE, rejected_at__isnull=True).get().users.get().username
        == "realcorp"
    )


def test_reject_without_a_reason_is_refused_and_nothing_changes(client, users, squatted):
    enterprise, squatter = squatted
    client.force_login(users["office"])
    response = _reject(client, enterprise, reason="  ")
    assert "请填写理由" in response.content.decode()
    enterprise.refresh_from_db()
    assert not enterprise.is_rejected
    assert not Notification.objects.filter(recipient=squatter).exists()


def test_a_verified_enterprise_cannot_be_rejected(client, users):
    enterprise = users["enterprise_a"].enterprise
    enterprise.licence.save("licence.pdf", ContentFile(PDF_BYTES), save=True)  # verification needs it
    client.force_login(users["approver"])
    client.post(reverse("awards:enterprise_verify", args=[enterprise.pk]))
    enterprise.refresh_from_db()
    assert enterprise.is_verified
    response = _reject(client, enterprise)
    assert "已通过核验，不能驳回注册" in response.content.decode()
    enterprise.refresh_from_db()
    assert not enterprise.is_rejected


@pytest.mark.parametrize("role", ["enterprise_a", "unit_a"])
def test_only_the_office_rejects_or_unbinds(client, users, squatted, role):
    enterprise, squatter = squatted
    client.force_login(users[role])
    assert _reject(client, enterprise).status_code == 403
    url = reverse("awards:enterprise_unbind", args=[enterprise.pk, squatter.pk])
    assert client.post(url, {"reason": "x"}).status_code == 403
    squatter.refresh_from_db()
    enterprise.refresh_from_db()
    assert squatter.is_active and squatter.enterprise == enterprise and not enterprise.is_rejected


def test_office_unbinds_an_account_from_an_enterprise(client, users):
    enterprise = users["enterprise_a"].enterprise
    client.force_login(users["office"])
    url = reverse("awards:enterprise_unbind", args=[enterprise.pk, users["enterprise_a"].pk])
    response = client.post(url, {"reason": "该员工已离职"}, follow=True)
    assert "已解除账户" in response.content.decode()
    account = User.objects.get(pk=users["enterprise_a"].pk)
    assert account.enterprise is None and not account.is_active
    assert enterprise.history.first().history_change_reason.endswith("该员工已离职")


def _review_form(**overrides):
    data = form(username="realcorp", name="监利真实企业有限公司")
    data.pop("address")
    data.update({"explanation": "本公司营业执照附后，该代码被他人抢先注册。", "licence": pdf("营业执照.pdf")})
    data.update(overrides)
    return data


def test_a_taken_code_leads_to_a_review_request_that_the_office_assigns(client, users, squatted):
    enterprise, squatter = squatted
    page = client.post(reverse("awards:register"), form(username="realcorp"))
    assert "已经注册" in page.content.decode() and reverse("awards:review_request") in page.content.decode()
    response = client.post(reverse("awards:review_request"), _review_form())
    assert "核查申请已提交" in response.content.decode()
    review = RegistrationReview.objects.get()
    requester = review.requester
    assert review.enterprise == enterprise and not requester.is_active and requester.enterprise is None

    office = client.__class__()
    office.force_login(users["office"])
    url = reverse("awards:registration_review", args=[review.pk])
    assert "监利真实企业有限公司" in office.get(url).content.decode()
    office.post(url, {"action": "assign", "reason": "营业执照核对无误"})
    requester.refresh_from_db()
    squatter.refresh_from_db()
    enterprise.refresh_from_db()
    assert requester.is_active and requester.enterprise == enterprise
    assert not squatter.is_active and squatter.enterprise is None
    assert enterprise.name == "监利真实企业有限公司" and not enterprise.is_verified
    assert Notification.objects.filter(recipient=requester, occasion=f"review:{review.pk}:assigned").exists()
    # a second click shows the result and changes nothing
    again = office.post(url, {"action": "decline", "reason": "重复点击"}, follow=True)
    assert "该申请已处理（已转给申请人）" in again.content.decode()
    review.refresh_from_db()
    assert review.status == RegistrationReview.Status.ASSIGNED and review.decision_note == "营业执照核对无误"
    login = client.post(reverse("accounts:login"), {"username": "realcorp", "password": "Quality#Brand-2026"})
    assert login.status_code == 302


def test_a_review_for_a_code_nobody_registered_is_refused(client, policy):
    response = client.post(reverse("awards:review_request"), _review_form())
    assert "尚未注册，请直接注册企业" in response.content.decode()
    assert not RegistrationReview.objects.exists() and not User.objects.filter(username="realcorp").exists()


def test_office_gets_one_daily_digest_instead_of_a_message_per_registration(client, users, squatted):
    for n in range(3):
        code = make_credit_code(f"91421081MA4DG000{n}")
        assert (
            client.post(reverse("awards:register"), form(username=f"corp{n}", credit_code=code)).status_code
            == 302
        )
        client.logout()
    client.post(reverse("awards:review_request"), _review_form())
    assert not Notification.objects.filter(recipient=users["office"]).exists()
    assert registrations_digest() >= 1
    digest = Notification.objects.filter(
        recipient=users["office"], occasion__startswith="registrations:digest:"
    )
    assert digest.exists() and digest.count() == len({n.channel for n in digest})  # one per channel
    body = digest.first().body
    assert "待核验企业注册 6 家" in body and "91421081MA4DG0002" in body and "注册核查申请 1 件" in body
    assert registrations_digest() == 0  # the same day again: nothing new
