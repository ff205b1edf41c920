"""Every awards URL × every role: owner, same-role outsider (404), other roles (403), anonymous (302)."""

import pytest
from django.urls import reverse

from awards.models import Attachment
from awards.tests.factories import ApplicationFactory, PublicityBatchFactory, pdf

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "enterprise_a", "enterprise_b", "unit_a", "office", "approver", "admin"]


@pytest.fixture
def objects(users):
    ent_a = users["enterprise_a"].enterprise
    ent_a.licence.save("licence.pdf", pdf(), save=True)
    submitted = ApplicationFactory(enterprise=ent_a)
    Attachment.objects.create(
        application=submitted,
        file=pdf(),
        original_name="证书.pdf",
        kind="pdf",
        size=10,
        uploaded_by=users["enterprise_a"],
    )
    draft = ApplicationFactory(enterprise=ent_a, draft=True)
    awaiting = ApplicationFactory(enterprise=ent_a, awaiting_payment=True)
    batch = PublicityBatchFactory()
    return {
        "ent": ent_a,
        "submitted": submitted,
        "attachment": submitted.attachments.get(),
        "draft": draft,
        "awaiting": awaiting,
        "batch": batch,
    }


def _get(client, users, role, url):
    if role != "anonymous":
        client.force_login(users[role])
    return client.get(url)


# expected status per role, in the order of ROLES
OWNER_OR_OFFICE = [302, 200, 404, 403, 200, 200, 403]
OWNER_ONLY = [302, 200, 404, 403, 403, 403, 403]
ENTERPRISE_ONLY = [302, 200, 200, 403, 403, 403, 403]
OFFICE_ONLY = [302, 403, 403, 403, 200, 200, 403]
PUBLIC = [200] * 7

PAGES = [
    ("awards:publicity", lambda o: [], PUBLIC),
    ("awards:publicity_batch", lambda o: [o["batch"].pk], PUBLIC),
    ("awards:my_applications", lambda o: [], ENTERPRISE_ONLY),
    ("awards:application_create", lambda o: [], ENTERPRISE_ONLY),
    ("awards:enterprise_edit", lambda o: [], ENTERPRISE_ONLY),
    ("awards:my_enterprise", lambda o: [], [302, 302, 302, 403, 403, 403, 403]),
    ("awards:application_detail", lambda o: [o["submitted"].pk], OWNER_OR_OFFICE),
    ("awards:attachment_download", lambda o: [o["submitted"].pk, o["attachment"].pk], OWNER_OR_OFFICE),
    ("awards:enterprise_detail", lambda o: [o["ent"].pk], OWNER_OR_OFFICE),
    ("awards:enterprise_licence", lambda o: [o["ent"].pk], OWNER_OR_OFFICE),
    ("awards:application_edit", lambda o: [o["draft"].pk], OWNER_ONLY),
    # drafts are the enterprise's own until submitted: the office does not see them
    ("awards:application_detail", lambda o: [o["draft"].pk], [302, 200, 404, 403, 404, 404, 403]),
    ("awards:office_applications", lambda o: [], OFFICE_ONLY),
    ("awards:enterprise_list", lambda o: [], OFFICE_ONLY),
    ("awards:publicity_manage", lambda o: [], OFFICE_ONLY),
    ("awards:publicity_publish", lambda o: [], OFFICE_ONLY),
    ("awards:publicity_docx", lambda o: [o["batch"].pk], OFFICE_ONLY),
    ("awards:payment_record", lambda o: [o["awaiting"].pk], OFFICE_ONLY),
    ("awards:money", lambda o: [], OFFICE_ONLY),
    ("awards:money_xlsx", lambda o: [], OFFICE_ONLY),
    ("awards:payments_docx", lambda o: [], OFFICE_ONLY),
    ("awards:legacy_create", lambda o: [], OFFICE_ONLY),
    ("awards:legacy_import", lambda o: [], OFFICE_ONLY),
    ("awards:legacy_template", lambda o: [], OFFICE_ONLY),
    ("awards:reward_items", lambda o: [], OFFICE_ONLY),
    ("awards:reward_item_edit", lambda o: ["national_standard"], OFFICE_ONLY),
    ("awards:office_settings", lambda o: [], OFFICE_ONLY),
]


@pytest.mark.parametrize("name,args,expected", PAGES, ids=[f"{p[0]}-{i}" for i, p in enumerate(PAGES)])
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_page_access_by_role(client, users, objects, name, args, expected, role_index):
    role = ROLES[role_index]
    response = _get(client, users, role, reverse(name, args=args(objects)))
    assert response.status_code == expected[role_index], (role, name)
    if expected[role_index] == 302 and role == "anonymous":
        assert response["Location"].startswith(reverse("accounts:login"))


def test_registration_page_is_public_and_sends_logged_in_users_home(client, users):
    assert client.get(reverse("awards:register")).status_code == 200
    client.force_login(users["office"])
    assert client.get(reverse("awards:register")).status_code == 302


ACTIONS = [
    ("awards:first_review", "submitted", {"decision": "pass"}),
    ("awards:second_review", "submitted", {"decision": "pass"}),
    ("awards:objection_create", "submitted", {"received_on": "2025-03-04", "content": "x"}),
    ("awards:payment_record", "awaiting", {"amount_yuan": 1, "paid_on": "2025-03-04", "voucher_number": "x"}),
]


@pytest.mark.parametrize("name,obj,data", ACTIONS)
@pytest.mark.parametrize("role,status", [("enterprise_a", 403), ("unit_a", 403), ("admin", 403)])
def test_review_and_payment_actions_are_refused_to_enterprise_and_unit_users(
    client, users, objects, name, obj, data, role, status
):
    application = objects[obj]
    before = application.status
    client.force_login(users[role])
    response = client.post(reverse(name, args=[application.pk]), data)
    assert response.status_code == status
    application.refresh_from_db()
    assert application.status == before
    assert not application.events.exists()


def test_second_review_is_refused_to_office_staff_who_are_not_approvers(client, users, objects):
    client.force_login(users["office"])
    response = client.post(
        reverse("awards:second_review", args=[objects["submitted"].pk]), {"decision": "pass"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("awards:application_withdraw", lambda o: [o["submitted"].pk]),
        ("awards:attachment_delete", lambda o: [o["submitted"].pk, o["attachment"].pk]),
    ],
)
def test_another_enterprises_application_is_404_for_enterprise_actions(client, users, objects, name, kwargs):
    client.force_login(users["enterprise_b"])
    response = client.post(reverse(name, args=kwargs(objects)))
    assert response.status_code == 404
    objects["submitted"].refresh_from_db()
    assert objects["submitted"].status == "submitted"
    assert objects["submitted"].attachments.count() == 1


def test_check_endpoint_does_not_reveal_another_enterprises_application(client, users, objects):
    client.force_login(users["enterprise_b"])
    response = client.post(
        reverse("awards:application_check"),
        {"application": objects["submitted"].pk, "reward_item": "national_standard"},
    )
    assert response.status_code == 404


def test_applications_cannot_be_deleted_even_in_the_admin(client, users, objects):
    client.force_login(users["admin"])
    application = objects["submitted"]
    url = reverse("admin:awards_application_delete", args=[application.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:awards_application_change", args=[application.pk])).status_code == 200
    application.refresh_from_db()
