"""A whole half year, day by day, as the beat would run it: 2025H2 from 1 July to the end of January.

Each morning the periodic tasks run in their installed order (half-year start on the 1st, 公示
08:20, reminders 08:30, reports 08:40, then the outbox sweep). The office and the units act on a few
days in between. Every reminder must be recorded exactly once, on the working day it falls due —
or on the first working day after, when it falls on a holiday — and nothing on a non-working day.
"""

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from awards.models import ApplicationStatus
from awards.services.publicity import publicity_publish
from awards.tests.factories import ApplicationFactory, pdf
from core.workdays import is_workday
from meetings import services as meeting_services
from meetings.models import Meeting
from meetings.tests.factories import work_plan_task
from notifications.models import Notification
from notifications.tasks import deliver_pending
from scheduler import tasks
from scheduler.models import HalfYearReport
from targets.models import ReportingPeriod

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST, LAST = dt.date(2025, 7, 1), dt.date(2026, 1, 31)


def at(day: dt.date, hour: int, minute: int = 0):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI), tick=False)


def run(task, day, hour, minute):
    with at(day, hour, minute):
        result = task.apply()
    assert result.successful(), f"{task.name} on {day}: {result.result!r}"
    return result.result


def morning(day: dt.date) -> None:
    """What the installed schedule does on ``day`` (see scheduler/schedules.py)."""
    if day.day == 1 and day.month in (1, 7):
        run(tasks.half_year_start, day, 8, 10)
    run(tasks.publicity_advance, day, 8, 20)
    run(tasks.daily_reminders, day, 8, 30)
    run(tasks.half_year_reports, day, 8, 40)
    run(deliver_pending, day, 8, 45)


def submit_application(user):
    from awards.services import application_submit

    return application_submit(
        enterprise=user.enterprise,
        reward_code="national_standard",
        award_date=dt.date(2025, 5, 1),
        reference="GB/T 43210-2025",
        issuing_body="国家市场监督管理总局",
        by=user,
        attachments=[pdf()],
    )


def issue_meeting_notice(meeting: Meeting, office) -> None:
    meeting_services.meeting_update(
        meeting=meeting,
        by=office,
        planned_date=meeting.planned_date,
        place="市市场监管局三楼会议室",
        topic_deadline=meeting.topic_deadline,
    )
    meeting_services.meeting_issue_notice(meeting=meeting, by=office)


def test_a_half_year_day_by_day_sends_each_reminder_once_on_the_right_working_day(policy, users):
    enterprise_user = users["enterprise_a"]
    enterprise_user.enterprise.verified_at = timezone.now()
    enterprise_user.enterprise.save()
    office, unit_user = users["office"], users["unit_a"]
    application = followup = batch = None
    reviewed = ApplicationFactory(second_passed=True)  # passed 复核, waiting to be published

    day = FIRST
    while day <= LAST:
        morning(day)
        with at(day, 10):  # what people do during the day
            if day == FIRST:
                application = submit_application(enterprise_user)
                followup = work_plan_task(office, lead=unit_user.member_unit, deadline=dt.date(2025, 10, 10))
            if day == dt.date(2025, 9, 26):
                batch = publicity_publish(
                    applications=[reviewed],
                    start_date=day,
                    by=office,
                    contact_phone="0716-3325000",
                    contact_address="监利市市场监督管理局",
                )
            if day == dt.date(2025, 12, 8):
                issue_meeting_notice(Meeting.objects.get(year=2025, half=2), office)
        day += dt.timedelta(days=1)

    period = ReportingPeriod.objects.get(year=2025, half=2)
    assert period.due_date == dt.date(2026, 1, 15)
    report = period.reports.get(unit=unit_user.member_unit)
    meeting = Meeting.objects.get(year=2025, half=2)
    assert (meeting.planned_date, meeting.topic_deadline) == (dt.date(2025, 12, 15), dt.date(2025, 12, 5))
    assignment = followup.assignments.get(unit=unit_user.member_unit)

    days_of = defaultdict(set)
    for occasion, created_at in Notification.objects.values_list("occasion", "created_at"):
        days_of[occasion].add(timezone.localdate(created_at))

    expected = {
        # reports due 15 Jan 2026: 14 days before is 元旦, so the first working day after it — the
        # make-up Sunday 4 January
        f"report:{report.pk}:due14": dt.date(2026, 1, 4),
        f"report:{report.pk}:due3": dt.date(2026, 1, 12),
        f"report:{report.pk}:due0": dt.date(2026, 1, 15),
        f"report:{report.pk}:overdue": dt.date(2026, 1, 16),
        f"report:{report.pk}:escalate": dt.date(2026, 1, 23),  # more than 7 days overdue
        # the follow-up item due 10 Oct: three days before falls in 国庆, overdue on the make-up Saturday
        f"followup:{followup.pk}:{unit_user.member_unit_id}:due3": dt.date(2025, 10, 9),
        f"followup:{followup.pk}:{unit_user.member_unit_id}:overdue": dt.date(2025, 10, 11),
        f"topic_call:{meeting.pk}:closing": dt.date(2025, 12, 2),
        f"meeting:{meeting.pk}:eve": dt.date(2025, 12, 12),  # Friday before a Monday meeting
        # submitted 1 July; the 10-working-day service limit is passed on the 11th working day
        f"application:{application.pk}:review_overdue:submitted": dt.date(2025, 7, 16),
        "half_year_report:2025H2:ready": dt.date(2026, 1, 16),
        # 公示 from Friday 26 September for 5 working days: the make-up Sunday 28 September counts,
        # 国庆 does not, so it closes on 10 October and moves on the make-up Saturday 11 October
        f"publicity:{batch.pk}:closing": dt.date(2025, 10, 10),
        "publicity:advance:2025-10-11": dt.date(2025, 10, 11),
    }
    for occasion, day in expected.items():
        assert days_of.get(occasion) == {day}, (occasion, days_of.get(occasion))

    # nothing at all is sent on a non-working day
    assert all(is_workday(d) for ds in days_of.values() for d in ds), sorted(
        (o, d) for o, ds in days_of.items() for d in ds if not is_workday(d)
    )
    # the reminders reached the right people
    unit_mail = set(
        Notification.objects.filter(recipient=unit_user, channel="email").values_list("occasion", flat=True)
    )
    assert f"report:{report.pk}:due3" in unit_mail and f"report:{report.pk}:escalate" not in unit_mail
    assert Notification.objects.filter(occasion=f"report:{report.pk}:escalate", recipient=office).exists()
    assert assignment is not None
    reviewed.refresh_from_db()
    assert batch.end_date == dt.date(2025, 10, 10)
    assert reviewed.status == ApplicationStatus.AWAITING_PAYMENT

    # every e-mail went out exactly once (the sweep ran every morning)
    sent = [(m.to[0], m.extra_headers["X-Jianli-Occasion"]) for m in mail.outbox]
    assert len(sent) == len(set(sent)) == Notification.objects.filter(channel="email").count()
    assert not Notification.objects.exclude(status=Notification.Status.SENT).exists()

    # the half year opened on 1 July; 2026H1 found no plan to open (the plan ends in 2025)
    assert timezone.localdate(period.opened_at) == FIRST
    assert not ReportingPeriod.objects.filter(year=2026).exists()
    # the report was built once, after the due date
    report_row = HalfYearReport.objects.get()
    assert report_row.key == "2025H2" and report_row.build_count == 1
    assert timezone.localdate(report_row.first_built_at) == dt.date(2026, 1, 16)
