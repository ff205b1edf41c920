"""Public registration: enterprise and its first user, atomically, then logged in."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from awards.models import Enterprise
from awards.tests.factories import EXE_BYTES, pdf
from notifications.models import Notification
from portal.demo import make_credit_code

pytestmark = pytest.mark.django_db

CODE = make_credit_code("91421081MA4REG001")


def form(**overrides):
    data = {
        "name": "监利新注册科技有限公司",
        "credit_code": CODE,
        "address": "监利市容城镇创业路 9 号",
        "contact_person": "赵六",
        "contact_phone": "0716-3111111",
        "licence": pdf("营业执照.pdf"),
        "username": "newcorp",
        "full_name": "赵六",
        "phone": "13900000000",
        "email": "zhao@example.com",
        "password1": "Quality#Brand-2026",
        "password2": "Quality#Brand-2026",
    }
    data.update(overrides)
    return data


def test_registration_creates_enterprise_and_user_and_logs_in(client, users):
    response = client.post(reverse("awards:register"), form(credit_code=" " + CODE.lower() + " "))
    assert response.status_code == 302
    assert response["Location"] == reverse("awards:my_applications")
    enterprise = Enterprise.objects.get(credit_code=CODE)
    user = User.objects.get(username="newcorp")
    assert user.role == User.Role.ENTERPRISE and user.enterprise == enterprise
    assert not enterprise.is_verified
    assert enterprise.licence.name.endswith(".pdf")
    assert int(client.session["_auth_user_id"]) == user.pk
    # the office hears of it in the daily digest (test_registration_review.py), not one by one
    assert not Notification.objects.filter(recipient=users["office"]).exists()


def test_full_width_credit_code_is_normalised(client, policy):
    full_width = CODE.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEFGHJKLMNPQRTUWXY"})
    client.post(reverse("awards:register"), form(credit_code=full_width))
    assert Enterprise.objects.filter(credit_code=CODE).exists()


def _refused(client, data, message):
    before = (Enterprise.objects.count(), User.objects.count())
    response = client.post(reverse("awards:register"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (Enterprise.objects.count(), User.objects.count()) == before
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "code,message",
    [
        ("91421081MA4REG00", "应为 18 位"),
        (CODE[:-1] + ("0" if CODE[-1] != "0" else "1"), "校验位不正确"),
        ("ABCDEFGH1234567890", "格式不正确"),
    ],
)
def test_invalid_credit_code_is_refused(client, policy, code, message):
    _refused(client, form(credit_code=code), message)


def test_duplicate_enterprise_is_refused(client, users):
    existing = users["enterprise_a"].enterprise.credit_code
    _refused(client, form(credit_code=existing), "已经注册")


def test_weak_or_mismatched_password_is_refused(client, policy):
    _refused(client, form(password1="12345678", password2="12345678"), "密码")
    _refused(client, form(password2="Different#Pass-2026"), "两次输入的密码不一致")


def test_username_taken_is_refused(client, users):
    _refused(client, form(username="OFFICE1"), "该用户名已被使用")


def test_licence_that_is_really_an_executable_is_refused(client, policy):
    fake = SimpleUploadedFile("营业执照.pdf", EXE_BYTES, content_type="application/pdf")
    _refused(client, form(licence=fake), "不是允许的格式")


def test_oversized_licence_is_refused(client, policy, settings):
    settings.MAX_ATTACHMENT_BYTES = 1024
    big = pdf("营业执照.pdf", b"%PDF-1.4\n" + b"0" * 2048)
    _refused(client, form(licence=big), "超过上限")


def test_missing_fields_are_named(client, policy):
    _refused(client, form(name="", licence=""), "这个字段是必填项")
