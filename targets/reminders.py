"""Reminders for periodic reports not yet submitted (see notifications/reminders.py for the contract).

For each report of an open, non-backfilled period that has never been submitted, the most specific
milestone it has reached: due within the office's first reminder days (SiteSetting
``report_remind_first_days``, 14 by default: ``due14``), within the second (``report_remind_second_days``,
3: ``due3``), due today
(``due0``), overdue (``overdue``); and, once overdue by more than the office's escalation setting,
``escalate`` to the office staff and approvers. A returned report is not reminded: it was submitted,
and its timeliness is already decided by its first submission.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth import get_user_model

from accounts.selectors import office_users
from core.dates import cn_date
from core.models import SiteSetting
from notifications.reminders import Reminder

from .models import Report, ReportingPeriod


def _milestone(days_left: int, first: int = 14, second: int = 3) -> str | None:
    """The reminder a report has reached; ``first`` and ``second`` are the office's reminder days."""
    if days_left < 0:
        return "overdue"
    if days_left == 0:
        return "due0"
    if days_left <= second:
        return f"due{second}"
    if days_left <= first:
        return f"due{first}"
    return None


def _subject(report: Report, milestone: str, days_left: int) -> str:
    label = f"{report.period}进度报告"
    if milestone == "overdue":
        return f"{label}已逾期 {-days_left} 天未报送"
    if milestone == "due0":
        return f"{label}今天截止报送"
    return f"{label}还有 {days_left} 天截止报送"


def collect(today: dt.date) -> Iterator[Reminder]:
    reports = list(
        Report.objects.filter(
            period__status=ReportingPeriod.Status.OPEN,
            period__backfilled=False,
            first_submitted_at__isnull=True,
            status__in=[Report.Status.NOT_STARTED, Report.Status.DRAFT],
        ).select_related("period", "period__plan", "unit")
    )
    if not reports:
        return
    setting = SiteSetting.get()
    escalate_after = setting.overdue_escalation_days
    first, second = setting.report_remind_first_days, setting.report_remind_second_days
    users = get_user_model().objects.filter(is_active=True)
    by_unit = defaultdict(list)
    for user in users.filter(member_unit_id__in={r.unit_id for r in reports}):
        by_unit[user.member_unit_id].append(user)
    office = None
    site = settings.SITE_URL.rstrip("/")
    for report in reports:
        days_left = (report.period.due_date - today).days
        milestone = _milestone(days_left, first, second)
        if milestone is None:
            continue
        url = report.get_absolute_url()
        where = f"{report.unit}{report.period}进度报告（{report.period.plan.name}）"
        due = f"{cn_date(report.period.due_date)}"
        yield Reminder(
            occasion=f"report:{report.pk}:{milestone}",
            recipients=tuple(by_unit.get(report.unit_id, ())),
            subject=_subject(report, milestone, days_left),
            body=f"{where}的报送截止日为 {due}，目前尚未提交。请登录平台填报并提交：{site}{url}",
            url=url,
        )
        if milestone == "overdue" and -days_left > escalate_after:
            if office is None:
                office = tuple(office_users())
            yield Reminder(
                occasion=f"report:{report.pk}:escalate",
                recipients=office,
                subject=f"{report.unit}{report.period}进度报告逾期 {-days_left} 天未报送",
                body=(
                    f"{where}的报送截止日为 {due}，已逾期 {-days_left} 天仍未提交（超过 {escalate_after} 天），"
                    f"请督促该单位报送：{site}{url}"
                ),
                url=url,
            )
