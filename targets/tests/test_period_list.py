"""报送期次: the plan is chosen through a FilterSet (an unknown one is a Chinese error and the current
plan is shown), the periods sort by due date, and more periods cost no more queries."""

import pytest
from django.urls import reverse

from targets.models import ReportingPeriod
from targets.services import period_open
from targets.tests.factories import PlanFactory

from .test_dashboard import count_queries

pytestmark = pytest.mark.django_db
URL = reverse("targets:period_list")


@pytest.fixture
def periods(policy, users):
    for half in (1, 2):
        period_open(plan=policy, year=2024, half=half, backfilled=True)
    other = PlanFactory(code="jl-2026-2030", name="2026—2030年实施意见", is_current=False)
    ReportingPeriod.objects.create(
        plan=other, year=2026, half=1, start_date="2026-01-01", end_date="2026-06-30", due_date="2026-07-15"
    )
    return other


def _keys(response):
    return [(p.year, p.half) for p in response.context["periods"]]


def test_the_current_plan_by_default_another_when_chosen(client, users, policy, periods):
    client.force_login(users["office"])
    assert _keys(client.get(URL)) == [(2024, 2), (2024, 1)]
    other = client.get(URL, {"plan": periods.pk})
    assert _keys(other) == [(2026, 1)] and other.context["plan"] == periods


def test_an_unknown_plan_is_a_chinese_error_and_shows_the_current_plan(client, users, policy, periods):
    client.force_login(users["office"])
    for bad in ("999999", "abc"):
        page = client.get(URL, {"plan": bad})
        assert page.status_code == 200 and "筛选条件有误" in page.content.decode()
        assert page.context["plan"] == policy and _keys(page) == [(2024, 2), (2024, 1)]
    assert ReportingPeriod.objects.count() == 3


def test_periods_sort_by_due_date_both_ways(client, users, policy, periods):
    client.force_login(users["office"])
    assert _keys(client.get(URL, {"o": "due"})) == [(2024, 1), (2024, 2)]
    page = client.get(URL, {"o": "-due"})
    assert _keys(page) == [(2024, 2), (2024, 1)] and "期次 ▼" in page.content.decode()


def test_period_list_query_count_does_not_grow_with_periods(client, users, policy, periods):
    client.force_login(users["office"])
    params = {"plan": policy.pk, "o": "due"}
    client.get(URL, params)
    small = count_queries(client, URL, params)
    for year in (2022, 2023):
        for half in (1, 2):
            period_open(plan=policy, year=year, half=half, backfilled=True)
    assert count_queries(client, URL, params) == small


def test_the_plan_switch_and_the_open_form_have_their_own_ids(client, users, policy, periods):
    client.force_login(users["office"])
    body = client.get(URL).content.decode()
    assert body.count('id="id_plan"') == 1 and body.count('id="plan-switch"') == 1
