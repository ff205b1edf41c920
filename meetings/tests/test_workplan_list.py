"""年度工作计划 list: filter by open tasks and text, a bad value is a Chinese error, sortable headers,
the same queries with more plans."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import FollowUpAssignment, WorkPlan

from .factories import WorkPlanFactory, on, work_plan_task

pytestmark = pytest.mark.django_db
URL = reverse("meetings:workplan_list")


@pytest.fixture
def plans(users):
    with on(dt.date(2024, 1, 10)):
        work_plan_task(users["office"], lead=users["unit_a"].member_unit, deadline=dt.date(2024, 6, 30))
        work_plan_task(
            users["office"], lead=users["unit_a"].member_unit, deadline=dt.date(2024, 9, 30), title="质量月"
        )
    quiet = WorkPlanFactory(year=2025, title="2025年工作计划", note="品牌培育")
    return WorkPlan.objects.get(year=2024), quiet


def _years(response):
    return [p.year for p in response.context["plans"]]


def test_workplans_filter_by_open_tasks_and_text(client, users, plans):
    client.force_login(users["office"])
    assert _years(client.get(URL)) == [2025, 2024]
    assert _years(client.get(URL, {"state": "open"})) == [2024]
    assert _years(client.get(URL, {"state": "done"})) == [2025]
    assert _years(client.get(URL, {"q": "品牌培育"})) == [2025]
    assert "没有符合条件的年度工作计划" in client.get(URL, {"q": "没有这项"}).content.decode()


def test_workplans_bad_filter_is_a_chinese_error_and_changes_nothing(client, users, plans):
    client.force_login(users["office"])
    before = FollowUpAssignment.objects.count()
    page = client.get(URL, {"state": "half"})
    assert page.status_code == 200 and "筛选条件有误" in page.content.decode()
    assert _years(page) == [2025, 2024]
    assert FollowUpAssignment.objects.count() == before and WorkPlan.objects.count() == 2


def test_workplans_sort_by_year_and_task_count(client, users, plans):
    client.force_login(users["office"])
    assert _years(client.get(URL, {"o": "year"})) == [2024, 2025]
    assert _years(client.get(URL, {"o": "-tasks"})) == [2024, 2025]
    page = client.get(URL, {"o": "tasks"})
    assert _years(page) == [2025, 2024] and "任务 ▲" in page.content.decode()


def _count(client, params) -> int:
    client.get(URL, params)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, params).status_code == 200
    return len(ctx.captured_queries)


def test_workplans_query_count_does_not_grow(client, users, plans):
    client.force_login(users["office"])
    params = {"o": "-open", "q": "计划"}
    small = _count(client, params)
    for year in range(2026, 2031):
        with on(dt.date(year, 1, 10)):
            work_plan_task(users["office"], lead=users["unit_b"].member_unit, deadline=dt.date(year, 6, 30))
    assert _count(client, params) == small
