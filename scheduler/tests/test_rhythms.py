"""Rhythms as data (issue 18, point 3): reporting every quarter / half year / year, meetings every N
months in preferred months with lead times, reminder days and the amber band in office settings,
and the scheduler following them."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from core import rhythm as rh
from core.models import SiteSetting
from core.rhythm_settings import apply_rhythm, validate_rhythm
from core.workdays import add_workdays, is_workday
from meetings import services as meeting_services
from meetings.models import Meeting, MeetingRule
from meetings.rules import apply_meeting_rule, current_cycle, validate_meeting_rule
from notifications.models import Notification
from scheduler import services, tasks
from scheduler.models import HalfYearReport
from scheduler.schedules import PERIOD_START, SCHEDULES, declared_schedules, schedules_install
from targets.models import ReportingPeriod
from targets.progress import AMBER, RED, TargetSpec, evaluate
from targets.services import ReportError, period_open

SHANGHAI = ZoneInfo("Asia/Shanghai")

QUARTERLY = {"rhythm": "quarter", "due_days_after_period": 10, "reminder_days": [10, 2], "amber_band_pct": 20}
EVERY_FOUR_MONTHS = {
    "name": "联席会议制度",
    "frequency_months": 4,
    "months": [2, 6, 10],
    "day": 20,
    "topic_call_lead_days": 30,
    "notice_lead_days": 7,
}


def at(day: dt.date, hour: int, minute: int = 0):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI), tick=False)


def run(task, day, hour, minute):
    with at(day, hour, minute):
        result = task.apply()
    assert result.successful(), f"{task.name} on {day}: {result.result!r}"
    return result.result


# --- periods: codes, names, bounds -----------------------------------------------------------


def test_periods_of_each_rhythm_have_their_codes_names_and_bounds():
    q1 = rh.Period(2026, 1, rh.QUARTER)
    assert (q1.key, q1.name, q1.start, q1.end) == (
        "2026Q1",
        "2026年第一季度",
        dt.date(2026, 1, 1),
        dt.date(2026, 3, 31),
    )
    assert rh.Period(2026, 4, rh.QUARTER).name == "2026年第四季度"
    h1, h2 = rh.Period(2026, 1), rh.Period(2026, 2)
    assert (h1.key, h1.name, h2.name, h2.end) == (
        "2026H1",
        "2026年上半年",
        "2026年下半年",
        dt.date(2026, 12, 31),
    )
    y = rh.Period(2026, 1, rh.YEAR)
    assert (y.key, y.name, y.start, y.end) == (
        "2026Y",
        "2026年度",
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
    )
    assert rh.Period.of(dt.date(2026, 8, 9), rh.QUARTER) == rh.Period(2026, 3, rh.QUARTER)
    assert rh.Period(2026, 1, rh.QUARTER).previous == rh.Period(2025, 4, rh.QUARTER)
    for key in ("2026Q1", "2026H2", "2026Y"):
        assert rh.Period.parse(key).key == key
    for bad in ("2026Q5", "2026Y1", "2026H0", "2026X1"):
        with pytest.raises(ValueError):
            rh.Period.parse(bad)
    with pytest.raises(ValueError):
        rh.Period(2026, 3, rh.HALF)


def test_meeting_cycle_terms_dates_and_names():
    cycle = rh.MeetingCycle(every_months=4, months=(2, 6, 10), day=20)
    assert cycle.term_of(dt.date(2026, 3, 1)) == (2026, 2)
    assert cycle.term_of(dt.date(2026, 11, 1)) == (2027, 1)  # after October: next year's February
    assert cycle.cycle_start(2027, 1) == dt.date(2026, 11, 1)
    assert cycle.preferred_date(2026, 3) == dt.date(2026, 10, 20)
    assert cycle.term_label(1) == "第一次"
    jianli = rh.JIANLI_CYCLE
    assert [jianli.term_of(dt.date(2026, m, 1)) for m in (1, 6, 7, 12)] == [
        (2026, 1),
        (2026, 1),
        (2026, 2),
        (2026, 2),
    ]
    assert (jianli.preferred_date(2026, 1), jianli.cycle_start(2026, 2)) == (
        dt.date(2026, 6, 15),
        dt.date(2026, 7, 1),
    )
    assert rh.MeetingCycle(every_months=1, months=tuple(range(1, 13)), day=31).preferred_date(
        2026, 2
    ) == dt.date(2026, 2, 28)


# --- loader sections: validate and apply -------------------------------------------------------


def test_validate_rhythm_gives_each_error_with_its_field():
    assert validate_rhythm(QUARTERLY) == []
    assert validate_rhythm(
        {"rhythm": "month", "reminder_days": [3, 14], "amber_band_pct": 0, "extra": 1}
    ) == [
        ("reporting.extra", "未知字段“extra”。"),
        ("reporting.rhythm", "报送周期“month”无效，应为 quarter（每季度）、half（每半年）或 year（每年）。"),
        (
            "reporting.reminder_days",
            "第一次提醒应早于第二次提醒，且都在截止前 1 至 60 天之间（例如 [14, 3]）。",
        ),
        ("reporting.amber_band_pct", "滞后区间应为 1 至 50 之间的整数（百分比）。"),
    ]
    assert validate_rhythm({"due_days_after_period": "15"}) == [
        ("reporting.rhythm", "缺少报送周期（quarter 每季度、half 每半年、year 每年）。"),
        ("reporting.due_days_after_period", "报告截止（期末后天数）应为 1 至 90 之间的整数。"),
    ]


@pytest.mark.django_db
def test_apply_rhythm_writes_once_with_history_and_refuses_bad_data_without_change():
    assert apply_rhythm(QUARTERLY) == [
        "reporting_rhythm",
        "report_due_days_after_half",
        "amber_band_pct",
        "report_remind_first_days",
        "report_remind_second_days",
    ]
    setting = SiteSetting.get()
    assert (setting.reporting_rhythm, setting.report_remind_first_days, setting.amber_band_pct) == (
        "quarter",
        10,
        20,
    )
    assert apply_rhythm(QUARTERLY) == []  # idempotent
    versions = setting.history.count()
    with pytest.raises(ValueError, match="报送周期“weekly”无效"):
        apply_rhythm({**QUARTERLY, "rhythm": "weekly", "amber_band_pct": 30})
    setting.refresh_from_db()
    assert (setting.reporting_rhythm, setting.amber_band_pct, setting.history.count()) == (
        "quarter",
        20,
        versions,
    )


def test_validate_meeting_rule_gives_each_error_with_its_field():
    assert validate_meeting_rule(EVERY_FOUR_MONTHS) == []
    assert validate_meeting_rule({"name": "x", "frequency_months": 5}) == [
        ("meeting_rule.frequency_months", "召开周期（月）应为 1、2、3、4、6 或 12 之一（一年内周期相同）。")
    ]
    assert validate_meeting_rule({"name": "x", "frequency_months": 4, "months": [2, 6]}) == [
        ("meeting_rule.months", "每 4 个月召开一次，一年应有 3 个召开月份，实际为 2 个。")
    ]
    assert validate_meeting_rule({"name": "x", "frequency_months": 4, "months": [2, 5, 10]}) == [
        ("meeting_rule.months", "召开月份之间应相隔 4 个月。")
    ]
    assert validate_meeting_rule({"frequency_months": 6, "day": 32, "topic_call_lead_days": 0}) == [
        ("meeting_rule.name", "缺少联席会议制度名称。"),
        ("meeting_rule.day", "召开日应为 1 至 31 之间的整数（当月无该日时取月末）。"),
        ("meeting_rule.topic_call_lead_days", "议题征集发出（会前天数）应为 1 至 366 之间的整数，或留空。"),
    ]


@pytest.mark.django_db
def test_apply_meeting_rule_is_idempotent_and_refuses_bad_data_without_change(policy):
    rule = MeetingRule.objects.get()
    assert current_cycle() == rh.JIANLI_CYCLE  # the loaded Jianli rule: every 6 months, June and December
    apply_meeting_rule({**EVERY_FOUR_MONTHS, "name": rule.name})
    versions = rule.history.count()
    apply_meeting_rule({**EVERY_FOUR_MONTHS, "name": rule.name})
    assert rule.history.count() == versions and MeetingRule.objects.count() == 1
    assert current_cycle() == rh.MeetingCycle(4, (2, 6, 10), 20, 30, 7)
    with pytest.raises(ValueError, match="召开月份之间应相隔 4 个月"):
        apply_meeting_rule({**EVERY_FOUR_MONTHS, "name": rule.name, "months": [1, 6, 10], "day": 3})
    rule.refresh_from_db()
    assert (rule.months, rule.day) == ([2, 6, 10], 20)


# --- office settings: amber band, reminder days ---------------------------------------------


def test_the_amber_band_decides_between_amber_and_red():
    spec = TargetSpec(kind="at_least", target_value=Decimal(100), deadline=dt.date(2026, 12, 31),
                      baseline_value=Decimal(0), baseline_date=dt.date(2026, 1, 1))  # fmt: skip
    on = dt.date(2026, 7, 2)  # the line is at about 50
    assert evaluate(spec, Decimal(35), on, on).rag == RED  # 15 behind: beyond the default 10 %
    assert evaluate(spec, Decimal(35), on, on, amber_band=Decimal("0.20")).rag == AMBER


@pytest.mark.django_db
def test_the_settings_page_changes_the_rhythm_with_history_and_refuses_bad_days(policy, users, client):
    client.force_login(users["office"])
    url = reverse("awards:office_settings")
    page = client.get(url)
    assert page.status_code == 200 and "报送周期与提醒" in page.content.decode()
    bad = {
        "form": "rhythm",
        "reporting_rhythm": "quarter",
        "report_due_days_after_half": 10,
        "report_remind_first_days": 3,
        "report_remind_second_days": 5,
        "amber_band_pct": 20,
    }
    response = client.post(url, bad)
    assert "第一次提醒应早于第二次提醒" in response.content.decode()
    assert SiteSetting.get().reporting_rhythm == "half"
    response = client.post(url, {**bad, "report_remind_first_days": 10, "report_remind_second_days": 2})
    assert response.status_code == 302
    setting = SiteSetting.get()
    assert (setting.reporting_rhythm, setting.report_remind_first_days, setting.amber_band_pct) == (
        "quarter",
        10,
        20,
    )
    latest = setting.history.order_by("-history_date").first()
    assert latest.history_user == users["office"] and latest.reporting_rhythm == "quarter"
    assert "10、2" in client.get(url).content.decode()  # the history table shows the new reminder days


# --- the scheduler follows the data ---------------------------------------------------------


@pytest.mark.django_db
def test_jianli_declares_the_schedule_of_the_half_yearly_platform(policy):
    assert declared_schedules() == SCHEDULES


@pytest.mark.django_db
def test_schedules_follow_a_rhythm_change_keep_the_office_time_and_are_idempotent(
    policy, django_capture_on_commit_callbacks
):
    schedules_install()
    task = PeriodicTask.objects.get(name=PERIOD_START)
    from django_celery_beat.models import CrontabSchedule

    task.crontab = CrontabSchedule.objects.create(
        minute="0", hour="7", day_of_month="1", month_of_year="1,7", timezone="Asia/Shanghai"
    )
    task.save()
    rule = MeetingRule.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        apply_rhythm(QUARTERLY)
        apply_meeting_rule({**EVERY_FOUR_MONTHS, "name": rule.name, "topic_call_lead_days": None})
    task.refresh_from_db()
    # quarters start in 1, 4, 7, 10; the meeting cycles (Nov–Feb, Mar–Jun, Jul–Oct) in 11, 3, 7
    assert (task.crontab.month_of_year, task.crontab.day_of_month) == ("1,3,4,7,10,11", "1")
    assert (task.crontab.hour, task.crontab.minute) == ("7", "0")  # the office's time of day stays
    assert "开启本季度的进度报送期次" in task.description
    result = schedules_install()
    assert PERIOD_START in result.unchanged
    with django_capture_on_commit_callbacks(execute=True):
        apply_meeting_rule({**EVERY_FOUR_MONTHS, "name": rule.name})  # lead time: drafted day by day
    task.refresh_from_db()
    assert task.crontab.month_of_year == "1,4,7,10"


@pytest.mark.django_db
def test_a_rhythm_change_starts_with_the_first_period_that_does_not_overlap(policy, users):
    with at(dt.date(2025, 1, 2), 9):
        services.half_year_open(today=dt.date(2025, 1, 2))
    assert ReportingPeriod.objects.get().key == "2025H1"
    apply_rhythm(QUARTERLY)
    with at(dt.date(2025, 4, 1), 9):
        result = services.half_year_open(today=dt.date(2025, 4, 1))
    assert result["period"] == "not opened: 2025Q2 overlaps 2025H1"
    with pytest.raises(ReportError, match="与已开放的期次“2025年上半年”"):
        period_open(plan=policy, year=2025, half=2, rhythm="quarter")
    with at(dt.date(2025, 7, 1), 9):
        services.half_year_open(today=dt.date(2025, 7, 1))
    assert sorted(p.key for p in ReportingPeriod.objects.all()) == ["2025H1", "2025Q3"]
    q3 = ReportingPeriod.objects.get(rhythm="quarter")
    assert (str(q3), q3.due_date) == ("2025年第三季度", dt.date(2025, 10, 10))


@pytest.mark.django_db
def test_a_quarterly_county_meeting_every_four_months_through_a_year(policy, users):
    """A year day by day as the beat runs it, for a county reporting quarterly with meetings in
    February, June and October (20th, call for topics 30 days before, notice reminder 7 days)."""
    apply_rhythm(QUARTERLY)
    apply_meeting_rule({**EVERY_FOUR_MONTHS, "name": MeetingRule.objects.get().name})
    office, unit_user = users["office"], users["unit_a"]
    start_months = [int(m) for m in next(s for s in declared_schedules() if s.data_owned).crontab[
        "month_of_year"].split(",")]  # fmt: skip
    assert start_months == [1, 4, 7, 10]

    day, last = dt.date(2025, 1, 1), dt.date(2026, 1, 31)
    while day <= last:
        if day.day == 1 and day.month in start_months:
            run(tasks.half_year_start, day, 8, 10)
        run(tasks.daily_reminders, day, 8, 30)
        run(tasks.half_year_reports, day, 8, 40)
        if day == dt.date(2025, 10, 9):  # the office issues the October notice in good time
            with at(day, 10):
                meeting = Meeting.objects.get(year=2025, half=3)
                meeting_services.meeting_update(
                    meeting=meeting,
                    by=office,
                    planned_date=meeting.planned_date,
                    place="县市场监管局会议室",
                    topic_deadline=meeting.topic_deadline,
                )
                meeting_services.meeting_issue_notice(meeting=meeting, by=office)
        day += dt.timedelta(days=1)

    # periods: the four quarters of 2025, each opened on its first working day, due 10 days after
    periods = {p.key: p for p in ReportingPeriod.objects.filter(plan=policy)}
    assert sorted(periods) == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    assert [str(periods[k]) for k in sorted(periods)] == [
        "2025年第一季度",
        "2025年第二季度",
        "2025年第三季度",
        "2025年第四季度",
    ]
    assert periods["2025Q1"].due_date == dt.date(2025, 4, 10)
    opened = {k: timezone.localdate(p.opened_at) for k, p in periods.items()}
    assert opened == {
        "2025Q1": dt.date(2025, 1, 2),  # 元旦 is a holiday: the first working day
        "2025Q2": dt.date(2025, 4, 1),
        "2025Q3": dt.date(2025, 7, 1),
        "2025Q4": dt.date(2025, 10, 9),  # 国庆 and 中秋 holidays: the first working day after
    }

    days_of = defaultdict(set)
    for occasion, created_at in Notification.objects.values_list("occasion", "created_at"):
        days_of[occasion].add(timezone.localdate(created_at))
    assert all(is_workday(d) for ds in days_of.values() for d in ds)
    # reminders: the office's days (10 and 2 before), each once; none on the half-yearly 14 / 3
    for key, period in periods.items():
        report = period.reports.get(unit=unit_user.member_unit)
        for milestone in ("due10", "due2", "due0", "overdue"):
            if (key, milestone) == ("2025Q4", "due0"):
                continue  # due Saturday 10 January: no 当天 reminder, overdue on Monday (as for halves)
            assert len(days_of[f"report:{report.pk}:{milestone}"]) == 1, (key, milestone)
        assert not days_of.get(f"report:{report.pk}:due14") and not days_of.get(f"report:{report.pk}:due3")
    q4_report = periods["2025Q4"].reports.get(unit=unit_user.member_unit)
    assert days_of[f"report:{q4_report.pk}:overdue"] == {dt.date(2026, 1, 12)}
    q1_report = periods["2025Q1"].reports.get(unit=unit_user.member_unit)
    assert days_of[f"report:{q1_report.pk}:due10"] == {dt.date(2025, 3, 31)}
    assert days_of[f"report:{q1_report.pk}:due2"] == {dt.date(2025, 4, 8)}

    # meetings: one per cycle, in February, June and October, drafted 30 days before
    meetings = {(m.year, m.half): m for m in Meeting.objects.all()}
    assert sorted(meetings) == [(2025, 1), (2025, 2), (2025, 3), (2026, 1)]
    for (year, number), meeting in meetings.items():
        preferred = dt.date(year, (2, 6, 10)[number - 1], 20)
        expected = preferred if is_workday(preferred) else add_workdays(preferred, 1)
        assert meeting.planned_date == expected
        assert meeting.topic_deadline == expected - dt.timedelta(days=10)
        drafted = timezone.localdate(meeting.created_at)
        first_day = expected - dt.timedelta(days=30)
        assert drafted == (first_day if is_workday(first_day) else add_workdays(first_day, 1))
        assert len(days_of[f"topic_call:{meeting.pk}:open"]) == 1
    assert meetings[(2025, 2)].title == "2025年第二次联席会议"
    assert timezone.localdate(meetings[(2025, 2)].created_at) == dt.date(2025, 5, 21)
    # the notice reminder: the June meeting was never notified (reminded once, 7 days before);
    # the October one was notified in good time (no reminder)
    assert days_of[f"meeting:{meetings[(2025, 2)].pk}:notice_due"] == {dt.date(2025, 6, 13)}
    assert f"meeting:{meetings[(2025, 3)].pk}:notice_due" not in days_of

    # reports: one per quarter, built once, on the first working day after its due date
    built = {r.key: r for r in HalfYearReport.objects.all()}
    assert sorted(built) == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    assert all(r.build_count == 1 for r in built.values())
    assert timezone.localdate(built["2025Q1"].first_built_at) == dt.date(2025, 4, 11)
    assert built["2025Q3"].title.endswith("2025年第三季度工作进度报告")
    followups = built["2025Q1"].figures["sections"][2]["summary"]
    assert followups.startswith("本季度")
    # 2026Q1 has no plan: the office was told once, nothing opened
    assert len(days_of["period:2026Q1:no_plan"]) == 1
