"""Reminders for reports falling due (for the scheduler), the workbench panels and the sidebar."""

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from core.models import SiteSetting
from notifications.services import notify
from targets import nav, reminders, workbench
from targets.models import Report
from targets.services import period_open, report_submit

pytestmark = pytest.mark.django_db


def by_occasion(today):
    return {r.occasion: r for r in reminders.collect(today)}


def test_milestones_before_and_on_the_due_date(period, report_a, users):
    due = period.due_date  # 2025-07-15
    key = f"report:{report_a.pk}"
    assert f"{key}:due14" not in by_occasion(due - dt.timedelta(days=15))
    assert f"{key}:due14" in by_occasion(due - dt.timedelta(days=14))
    assert f"{key}:due14" in by_occasion(due - dt.timedelta(days=4))
    assert f"{key}:due3" in by_occasion(due - dt.timedelta(days=3))
    assert f"{key}:due0" in by_occasion(due)
    found = by_occasion(due + dt.timedelta(days=1))
    assert f"{key}:overdue" in found and f"{key}:escalate" not in found


def test_reminder_names_unit_period_due_date_and_link_and_goes_to_the_units_users(period, report_a, users):
    reminder = by_occasion(period.due_date - dt.timedelta(days=3))[f"report:{report_a.pk}:due3"]
    assert list(reminder.recipients) == [users["unit_a"]]
    assert (
        "市农业农村局" in reminder.body
        and "2025年上半年" in reminder.body
        and "2025年7月15日" in reminder.body
    )
    assert reminder.url == report_a.get_absolute_url() and reminder.url in reminder.body


def test_escalation_to_the_office_after_the_configured_days(period, report_a, users):
    setting = SiteSetting.get()
    setting.overdue_escalation_days = 7
    setting.save()
    due = period.due_date
    assert f"report:{report_a.pk}:escalate" not in by_occasion(due + dt.timedelta(days=7))
    escalation = by_occasion(due + dt.timedelta(days=8))[f"report:{report_a.pk}:escalate"]
    assert set(escalation.recipients) == {users["office"], users["approver"], users["approver2"]}
    assert "逾期 8 天" in escalation.subject


def test_submitted_reports_and_backfilled_periods_are_not_reminded(period, report_a, users, fill, policy):
    fill(report_a, users["unit_a"])
    report_submit(report=report_a, by=users["unit_a"])
    past, _ = period_open(plan=policy, year=2023, half=1, backfilled=True)
    found = by_occasion(period.due_date)
    assert not any(o.startswith(f"report:{report_a.pk}:") for o in found)
    assert not any(o.startswith(f"report:{r.pk}:") for r in past.reports.all() for o in found)


def test_sending_a_reminder_twice_delivers_once(period, report_a, users):
    reminder = by_occasion(period.due_date)[f"report:{report_a.pk}:due0"]
    for _ in range(2):
        notify(
            occasion=reminder.occasion,
            recipients=reminder.recipients,
            subject=reminder.subject,
            body=reminder.body,
            url=reminder.url,
        )
    from notifications.models import Notification

    assert (
        Notification.objects.filter(
            occasion=reminder.occasion, recipient=users["unit_a"], channel="inapp"
        ).count()
        == 1
    )


def test_collect_runs_a_bounded_number_of_queries(period, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        list(reminders.collect(period.due_date + dt.timedelta(days=30)))


def test_unit_workbench_panel_lists_its_open_reports(period, report_a, users):
    panel = workbench.panels(users["unit_a"])[0]
    assert panel["reports"] == [report_a]
    html = render_to_string(panel["template"], {"panel": panel})
    assert "2025年上半年" in html and "已逾期" in html


def test_office_workbench_panel_counts_reports_waiting_for_review(
    period, report_a, users, fill, django_assert_max_num_queries
):
    fill(report_a, users["unit_a"])
    report_submit(report=report_a, by=users["unit_a"])
    with django_assert_max_num_queries(8):
        panel = workbench.panels(users["office"])[0]
    assert panel["waiting"] == 1
    html = render_to_string(panel["template"], {"panel": panel})
    assert "待审核报告" in html
    assert workbench.panels(users["enterprise_a"]) == []


def test_sidebar_entries_per_role(users):
    labels = lambda user: [label for label, _ in (nav.nav_group(user) or {"items": []})["items"]]  # noqa: E731
    assert "规划与指标" in labels(users["office"]) and "本单位进度报告" not in labels(users["office"])
    assert "本单位进度报告" in labels(users["unit_a"]) and "规划与指标" not in labels(users["unit_a"])
    assert nav.nav_group(users["enterprise_a"]) is None
    request = RequestFactory().get("/targets/")
    request.user = users["unit_a"]
    from core.navigation import nav_groups

    assert any(g["label"] == "目标与进度" for g in nav_groups(request))


def test_report_states_follow_the_design(report_a):
    assert [s.label for s in Report.Status] == ["未开始", "草稿", "已提交", "退回", "已采纳"]


@pytest.mark.parametrize(
    # import batches moved to the one import pipeline's model (core.ImportBatch)
    "model",
    [
        "targets/reportingperiod",
        "targets/report",
        "targets/statistic",
        "core/importbatch",
        "targets/targetevaluation",
    ],
)
def test_admin_pages_of_the_reporting_models_open(client, period, users, model):
    client.force_login(users["admin"])
    assert client.get(f"/admin/{model}/").status_code == 200
