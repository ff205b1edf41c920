"""Every targets URL × every role: anonymous → login, enterprise → 403, member unit → own only, office → all."""

import pytest
from django.urls import reverse

from targets.tests.factories import statistics_batch

pytestmark = pytest.mark.django_db

OFFICE_ONLY = [
    ("matrix", None),
    ("dashboard_export", None),
    ("period_list", None),
    ("period_detail", "period"),
    ("period_export", "period"),
    ("statistics_import", None),
    ("statistics_template", None),
    ("import_file", "batch"),
    ("plan_list", None),
    ("plan_create", None),
    ("plan_detail", "plan"),
    ("plan_edit", "plan"),
    ("target_create", "plan"),
    ("target_edit", "target"),
    ("measure_create", "plan"),
    ("measure_edit", "measure"),
    ("evaluation", "plan"),
    ("evaluation_xlsx", "plan"),
    ("evaluation_docx", "plan"),
]
UNIT_OWN = [
    ("report_detail", "report"),
    ("report_history", "report"),
    ("report_template", "report"),
    ("report_upload", "report"),
    ("unit_detail", "unit"),
]
VIEWERS = [("dashboard", None), ("target_detail", "target"), ("report_list", None)]


@pytest.fixture
def objects(period, report_a, policy, users):
    batch = statistics_batch(policy, users["office"])
    return {
        "period": period.pk,
        "report": report_a.pk,
        "plan": policy.pk,
        "target": policy.targets.get(code="T04").pk,
        "measure": policy.measures.first().pk,
        "unit": report_a.unit_id,
        "batch": batch.pk,
    }


def url(name, arg, objects):
    return reverse(f"targets:{name}", args=[objects[arg]] if arg else [])


@pytest.mark.parametrize(("name", "arg"), OFFICE_ONLY + UNIT_OWN + VIEWERS)
def test_anonymous_is_sent_to_login_and_enterprise_gets_403(client, objects, users, name, arg):
    response = client.get(url(name, arg, objects))
    assert response.status_code == 302 and "/accounts/login/" in response.url
    client.force_login(users["enterprise_a"])
    assert client.get(url(name, arg, objects)).status_code == 403


@pytest.mark.parametrize(("name", "arg"), OFFICE_ONLY)
def test_office_pages_are_403_for_member_units(client, objects, users, name, arg):
    client.force_login(users["unit_a"])
    assert client.get(url(name, arg, objects)).status_code == 403


@pytest.mark.parametrize(("name", "arg"), OFFICE_ONLY + UNIT_OWN + VIEWERS)
def test_office_opens_every_page(client, objects, users, name, arg):
    if name == "import_file":
        pytest.skip("needs a stored file: covered in test_excel")
    client.force_login(users["office"])
    response = client.get(url(name, arg, objects))
    if name == "report_upload":
        # outside a back-filled period the office only reads a unit's report (docs/design.md: read-only → 403)
        assert response.status_code == 403
    else:
        assert response.status_code == 200


@pytest.mark.parametrize(("name", "arg"), UNIT_OWN + VIEWERS)
def test_member_unit_opens_its_own_and_gets_404_for_another_units(
    client, objects, users, market_user, name, arg
):
    client.force_login(users["unit_a"])
    assert client.get(url(name, arg, objects)).status_code == 200
    if arg in ("report", "unit"):
        client.force_login(market_user)
        assert client.get(url(name, arg, objects)).status_code == 404
