"""Issue 18 point 6, the rest of the flow on 青石县's pack: quarterly reporting, meetings every four
months (March, July, November, on the 20th, drafted 30 days before), a decision followed up to 销号,
the annual assessment and the 终期评估 of its plan — all from the pack's data, run by the scheduler's
tasks as the beat runs them, day by day."""

import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from docx import Document

from assessment.models import AssessmentItem, AssessmentResult
from assessment.services import ItemInput, assessment_compute, scheme_publish, scheme_save
from committee.models import MemberUnit
from core.models import CalendarDay, SiteSetting
from meetings import services as meetings
from meetings.models import AgendaItem, BusinessKind, FollowUpAssignment, Meeting, MeetingRule
from meetings.rules import current_cycle
from notifications.models import Notification
from scheduler import tasks
from scheduler.models import HalfYearReport
from scheduler.schedules import PERIOD_START
from targets.models import Plan, PlanEvaluation, Report, ReportingPeriod, TargetEvaluation
from targets.services import (
    LineInput,
    MeasureInput,
    ReportInput,
    report_accept,
    report_return,
    report_save,
    report_submit,
)
from targets.services.evaluation import (
    GoalVerdict,
    TargetVerdict,
    plan_evaluation_save,
    plan_evaluation_sign_off,
)
from tests.factories import UserFactory

from .test_second_county import JIANLI_WORDS, qingshi  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
Kind = AssessmentItem.Kind


def at(day: dt.date, hour: int, minute: int = 0):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI), tick=False)


def run(task, day: dt.date, hour: int, minute: int):
    with at(day, hour, minute):
        result = task.apply()
    assert result.successful(), f"{task.name} on {day}: {result.result!r}"


@pytest.fixture
def people(qingshi):  # noqa: F811
    def unit_user(name, username):
        return UserFactory(role="unit", member_unit=MemberUnit.objects.get(name=name), username=username)

    return {
        "scjg": unit_user("县市场监管局", "qs_scjg"),
        "ny": unit_user("县农业农村局", "qs_ny"),
        "jx": unit_user("县经信局", "qs_jx"),
        "office": UserFactory(role="office_staff", username="qs_office"),
        "approver": UserFactory(role="office_approver", username="qs_approver"),
    }


def test_the_pack_sets_a_quarterly_rhythm_and_meetings_every_four_months(qingshi):  # noqa: F811
    setting = SiteSetting.get()
    assert (
        setting.reporting_rhythm,
        setting.report_due_days_after_half,
        setting.report_remind_first_days,
        setting.report_remind_second_days,
        setting.amber_band_pct,
    ) == ("quarter", 10, 7, 2, 15)
    cycle = current_cycle()
    assert (cycle.every_months, cycle.months, cycle.day) == (4, (3, 7, 11), 20)
    assert (cycle.topic_call_lead_days, cycle.notice_lead_days) == (30, 7)
    rule = MeetingRule.objects.get()
    assert (rule.topic_call_closing_days, rule.followup_due_days) == (5, 7)


def _report_of(unit_user, key: str) -> Report:
    return Report.objects.get(period__in=[p for p in ReportingPeriod.objects.all() if p.key == key],
                              unit=unit_user.member_unit)  # fmt: skip


def _fill_and_submit(report: Report, by, value: Decimal) -> Report:
    lines = {line.target_id: LineInput(value=value, stat_date=dt.date(2027, 3, 25), source="县统计局年报")
             for line in report.target_lines.filter(role="lead")}  # fmt: skip
    measures = {m.measure_id: MeasureInput(progress="已组织 42 家企业开展质量提升行动。")
                for m in report.measure_lines.all()}  # fmt: skip
    report_save(
        report=report, by=by, data=ReportInput(lines=lines, measures=measures, summary="一季度工作情况")
    )
    return report_submit(report=report, by=by)


def _what_people_do(day: dt.date, people: dict, state: dict) -> None:
    office, approver = people["office"], people["approver"]
    scjg, ny = people["scjg"], people["ny"]
    if day == dt.date(2027, 3, 1):  # a unit proposes a topic for the March meeting
        meeting = Meeting.objects.get(year=2027, half=1)
        state["topic"] = meetings.topic_propose(
            meeting=meeting,
            by=ny,
            title="青石茶叶区域公用品牌建设",
            background="茶叶品牌分散，影响力不足。",
            request="请会议研究统一品牌的管理办法。",
        )
    if day == dt.date(2027, 3, 5):
        state["item"] = meetings.topic_accept(
            topic=state["topic"], by=office, business_kind=BusinessKind.objects.get(code="coordination")
        )
    if day == dt.date(2027, 3, 10):  # the notice in good time: no notice reminder for March
        meeting = Meeting.objects.get(year=2027, half=1)
        meetings.meeting_update(
            meeting=meeting,
            by=office,
            planned_date=meeting.planned_date,
            place="县市场监管局会议室",
            topic_deadline=meeting.topic_deadline,
        )
        meetings.meeting_issue_notice(meeting=meeting, by=office)
    if day == dt.date(2027, 3, 22):  # held; a decision; minutes signed off and published
        meeting = Meeting.objects.get(year=2027, half=1)
        meetings.meeting_mark_held(meeting=meeting, held_on=day, by=office)
        state["decision"] = meetings.decision_create(
            agenda_item=AgendaItem.objects.get(pk=state["item"].pk),
            by=office,
            title="制定青石茶叶区域公用品牌管理办法",
            lead_unit=ny.member_unit,
            co_units=[],
            deadline=dt.date(2027, 4, 26),
        )
        meeting.refresh_from_db()
        meetings.minutes_update(
            meeting=meeting,
            by=office,
            overview="会议研究了茶叶品牌建设工作。",
            minutes_number="",
            discussions={i.pk: f"讨论了{i.title}" for i in meeting.agenda_items.all()},
        )
        meetings.minutes_sign_off(meeting=meeting, by=approver)
        meetings.minutes_publish(meeting=meeting, by=office)
    if day == dt.date(2027, 3, 30):  # the lead unit reports on 2027年第一季度; returned once
        _fill_and_submit(_report_of(scjg, "2027Q1"), scjg, Decimal(42))
    if day == dt.date(2027, 3, 31):
        report_return(report=_report_of(scjg, "2027Q1"), by=office, comment="请补充数据来源说明")
        report_submit(report=_report_of(scjg, "2027Q1"), by=scjg)
    if day == dt.date(2027, 4, 1):
        report_accept(report=_report_of(scjg, "2027Q1"), by=office)
    if day == dt.date(2027, 4, 6):  # the unit signs for its 督办 item and reports on it
        assignment = state["decision"].assignments.get(unit=ny.member_unit)
        meetings.followup_sign(assignment=assignment, by=ny)
        meetings.followup_report(assignment=assignment, by=ny, text="已起草管理办法征求意见稿。")
    if day == dt.date(2027, 4, 20):
        assignment = state["decision"].assignments.get(unit=ny.member_unit)
        meetings.followup_request_closure(assignment=assignment, by=ny, text="管理办法已印发。")
    if day == dt.date(2027, 4, 21):  # the office's approver closes it (销号)
        assignment = state["decision"].assignments.get(unit=ny.member_unit)
        meetings.followup_close(assignment=assignment, by=approver)


def test_report_meet_follow_up_and_assess_on_the_second_county(people, client):
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), is_workday=False, note="元旦")
    state: dict = {}
    day, last = dt.date(2027, 1, 1), dt.date(2027, 7, 31)
    while day <= last:
        if day.day == 1 and day.month in (1, 4, 7, 10):  # the period start of a quarterly pack
            run(tasks.half_year_start, day, 8, 10)
        run(tasks.daily_reminders, day, 8, 30)
        run(tasks.half_year_reports, day, 8, 40)
        with at(day, 10):
            _what_people_do(day, people, state)
        day += dt.timedelta(days=1)

    # --- reporting: quarters with Chinese names, each unit of the plan with its report
    plan = Plan.objects.get()
    periods = {p.key: p for p in ReportingPeriod.objects.filter(plan=plan)}
    assert sorted(periods) == ["2027Q1", "2027Q2", "2027Q3"]
    assert [str(periods[k]) for k in sorted(periods)] == [
        "2027年第一季度",
        "2027年第二季度",
        "2027年第三季度",
    ]
    q1 = periods["2027Q1"]
    assert timezone.localdate(q1.opened_at) == dt.date(2027, 1, 4)  # 元旦 in the office's calendar
    assert q1.due_date == dt.date(2027, 4, 10)  # 31 March + the pack's 10 days
    assert set(q1.reports.values_list("unit__name", flat=True)) == {
        "县市场监管局",
        "县经信局",
        "县农业农村局",
        "县商务局",
        "青山镇",
    }
    report = _report_of(people["scjg"], "2027Q1")
    assert (report.status, report.return_count) == (Report.Status.ACCEPTED, 1)
    assert report.first_submitted_at.date() == dt.date(2027, 3, 30)
    assert plan.targets.get(code="Q01").statistics.get().value == Decimal(42)
    # the unit that did not report was reminded on the pack's days (7 and 2 before), never 14 / 3
    days_of = defaultdict(set)
    for occasion, created_at in Notification.objects.values_list("occasion", "created_at"):
        days_of[occasion].add(timezone.localdate(created_at))
    late = _report_of(people["jx"], "2027Q1")
    assert days_of[f"report:{late.pk}:due7"] == {dt.date(2027, 4, 5)}  # 3 April is a Saturday
    assert days_of[f"report:{late.pk}:due2"] == {dt.date(2027, 4, 8)}
    assert f"report:{late.pk}:due14" not in days_of and f"report:{late.pk}:due3" not in days_of
    assert not any(o.startswith(f"report:{report.pk}:due") for o in days_of)  # submitted in time
    # the period's progress report, built once after the due date, names the county
    built = HalfYearReport.objects.get(key="2027Q1")
    assert built.title == "青石县质量强县及品牌建设2027年第一季度工作进度报告"
    assert timezone.localdate(built.first_built_at) == dt.date(2027, 4, 12)

    # --- meetings: March and July, on the 20th or the next working day, drafted 30 days before
    march, july = Meeting.objects.order_by("year", "half")
    assert (march.year, march.half, july.half) == (2027, 1, 2)
    assert (march.title, march.full_title) == (
        "2027年第一次联席会议",
        "2027年第一次青石县质量强县及品牌建设联席会议",
    )
    assert (march.planned_date, march.topic_deadline) == (dt.date(2027, 3, 22), dt.date(2027, 3, 12))
    assert timezone.localdate(march.created_at) == dt.date(2027, 2, 22)  # 20 February is a Saturday
    assert (july.planned_date, timezone.localdate(july.created_at)) == (
        dt.date(2027, 7, 20),
        dt.date(2027, 6, 21),
    )
    assert not Meeting.objects.filter(year=2027, half=3).exists()  # November's is drafted in October
    # the pack's 5 days before the topic deadline (12 March): Sunday 7 March, so Monday
    assert days_of[f"topic_call:{march.pk}:closing"] == {dt.date(2027, 3, 8)}
    assert f"meeting:{march.pk}:notice_due" not in days_of  # notified on 10 March
    assert days_of[f"meeting:{july.pk}:notice_due"] == {dt.date(2027, 7, 13)}
    assert march.status == Meeting.Status.PUBLISHED
    assert list(march.agenda_items.order_by("order").values_list("title", flat=True)) == [
        "上次联席会议决定事项落实情况",
        "青石茶叶区域公用品牌建设",
    ]

    # --- 督办: the decision became an item of 县农业农村局, reported on and closed by the approver
    assignment = state["decision"].assignments.get()
    assert (assignment.unit.name, assignment.phase) == ("县农业农村局", FollowUpAssignment.Phase.CLOSED)
    assert assignment.completed_on == dt.date(2027, 4, 20)  # the day the unit reported it done
    assert (timezone.localdate(assignment.closed_at), assignment.closed_by) == (
        dt.date(2027, 4, 21),
        people["approver"],
    )
    # reminded the pack's 7 days before its deadline (26 April), not 3
    assert days_of[f"followup:{state['decision'].pk}:{assignment.unit_id}:due7"] == {dt.date(2027, 4, 19)}
    assert not any(o.endswith(":due3") for o in days_of)
    texts = list(assignment.events.exclude(text="").order_by("id").values_list("text", flat=True))
    assert texts == ["已起草管理办法征求意见稿。", "管理办法已印发。"]

    # --- the annual assessment: the quarters' reports and the 督办 item are its facts
    office, approver = people["office"], people["approver"]
    items = [
        ItemInput(Kind.REPORT_MISSING, "季度报告报送", Decimal(40), Decimal(10)),
        ItemInput(Kind.REPORT_RETURNED, "季度报告质量", Decimal(20), Decimal(5)),
        ItemInput(Kind.FOLLOWUP_OVERDUE, "督办事项按期办结", Decimal(40), Decimal(10)),
    ]
    scheme = scheme_save(year=2027, note="", items=items, by=office)
    rows = {r["unit"].name: r for r in assessment_compute(scheme=scheme, today=dt.date(2027, 7, 31))}
    evidence = {name: {i["kind"]: i["evidence"] for i in row["items"]} for name, row in rows.items()}
    assert evidence["县市场监管局"][Kind.REPORT_RETURNED] == ["2027年第一季度：被退回 1 次"]
    assert evidence["县市场监管局"][Kind.REPORT_MISSING] == ["2027年第二季度（截止 2027年7月10日）：未报送"]
    assert evidence["县经信局"][Kind.REPORT_MISSING] == [
        "2027年第一季度（截止 2027年4月10日）：未报送",
        "2027年第二季度（截止 2027年7月10日）：未报送",
    ]
    assert evidence["县农业农村局"][Kind.FOLLOWUP_OVERDUE] == []  # closed on time
    assert rows["县市场监管局"]["score"] == Decimal(100) - 10 - 5
    with at(dt.date(2027, 8, 2), 10):
        assert scheme_publish(scheme=scheme, by=approver, today=dt.date(2027, 7, 31)) == len(rows)
    assert AssessmentResult.objects.get(scheme=scheme, unit__name="县经信局").score == Decimal(80)

    # --- the 终期评估 of the plan, after its end (2027-12-31), signed off by the approver
    q01, q02 = plan.targets.get(code="Q01"), plan.targets.get(code="Q02")
    with at(dt.date(2028, 1, 10), 10):
        plan_evaluation_save(
            plan=plan,
            by=office,
            narrative={"overview": "规划期内质量品牌强县工作总体推进顺利。"},
            targets={
                q01.pk: TargetVerdict("achieved", Decimal(42), dt.date(2027, 3, 25), ""),
                q02.pk: TargetVerdict("not_measurable", None, None, "未取得认定数据"),
            },
            measures={m.pk: "已完成" for m in plan.measures.all()},
            goals={g.pk: GoalVerdict("achieved", "") for g in plan.goals.all()},
        )
        evaluation = plan_evaluation_sign_off(plan=plan, by=approver, today=dt.date(2028, 1, 10))
    assert evaluation.status == PlanEvaluation.Status.SIGNED_OFF and evaluation.is_frozen
    assert TargetEvaluation.objects.get(target=q01).result == "achieved"
    client.force_login(office)
    response = client.get(reverse("targets:evaluation_docx", args=[plan.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "青石县" in text and not any(word in text for word in JIANLI_WORDS)


def test_the_installed_period_start_follows_the_pack(qingshi):  # noqa: F811
    """Quarters start in 1, 4, 7, 10; the meetings are drafted by lead time (the daily run)."""
    from scheduler.schedules import declared_schedules

    start = next(s for s in declared_schedules() if s.name == PERIOD_START)
    assert start.crontab["month_of_year"] == "1,4,7,10"


def test_pages_name_the_quarters_of_a_quarterly_county(people, client):
    """No 半年 left where the rhythm is quarterly: dashboard series, workbench, sidebar, the report
    pages, the schedule's descriptions, the assessment's suggested items."""
    from assessment.services import suggested_items
    from scheduler.schedules import declared_schedules
    from targets.selectors import series_periods

    plan = Plan.objects.get()
    labels = [label for label, _, _ in series_periods(plan, dt.date(2024, 8, 1))]
    assert labels == [
        "2023第一季度",
        "2023第二季度",
        "2023第三季度",
        "2023第四季度",
        "2024第一季度",
        "2024第二季度",
        "2024第三季度",
    ]
    with at(dt.date(2028, 1, 5), 10):  # after the plan's end
        client.force_login(people["office"])
        page = client.get(reverse("core:workbench")).content.decode()
        reports = client.get(reverse("scheduler:reports")).content.decode()
    assert "2028年第一季度没有规划覆盖，系统不会开放季度报送期次" in page
    assert "季度进度报告" in page and "半年进度报告" not in page
    page = reports
    assert "<h1>季度进度报告</h1>" in page and "半年" not in page
    daily = next(s for s in declared_schedules() if s.name == "每日提醒")
    assert "报告截止前7天、2天、当天及逾期提醒" in daily.description
    assert [i.name for i in suggested_items()][:3] == ["季度报告按时报送", "季度报告报送", "季度报告质量"]


def test_target_categories_are_the_packs(people, client):
    """The pack's categories with its own codes and names (质量提升, 品牌培育), on every page."""
    plan = Plan.objects.get()
    assert list(plan.categories.values_list("code", "name")) == [("lift", "质量提升"), ("brand", "品牌培育")]
    q01 = plan.targets.get(code="Q01")
    assert (q01.category, q01.get_category_display()) == ("lift", "质量提升")
    page = client.get(reverse("core:policy")).content.decode()
    assert "质量提升" in page and "品牌培育" in page and "质量发展" not in page
    client.force_login(people["office"])
    page = client.get(reverse("targets:dashboard")).content.decode()
    assert "质量提升" in page and "质量发展" not in page
    assert [label for label, _ in client.get(reverse("targets:dashboard")).context["groups"]] == [
        "质量提升",
        "品牌培育",
    ]
    page = client.get(reverse("targets:dashboard"), {"category": "lift"})
    assert [t["target"].code for _, rows in page.context["groups"] for t in rows] == ["Q01"]
    form = client.get(reverse("targets:target_edit", args=[q01.pk])).context["form"]
    assert list(form.fields["category"].choices)[1:] == [("lift", "质量提升"), ("brand", "品牌培育")]


def test_the_demo_runs_on_the_second_county_with_its_units_and_terms(qingshi):  # noqa: F811
    from django.core.management import call_command

    from accounts.models import User

    out = io.StringIO()
    with at(dt.date(2026, 12, 1), 10):
        call_command("seed_demo", stdout=out)
    text = out.getvalue()
    units = dict(
        User.objects.filter(username__startswith="unit_").values_list("username", "member_unit__name")
    )
    assert units == {"unit_nync": "县农业农村局", "unit_scjg": "县市场监管局", "unit_rongcheng": "青山镇"}
    assert ReportingPeriod.objects.get().key == "2026Q4" and "2026年第四季度进度报告" in text
    # the meeting ahead is March's; November's is the history meeting (18 November)
    assert Meeting.objects.get(is_history=False).term_label == "2027年第一次"
    assert Meeting.objects.get(is_history=True).held_on == dt.date(2026, 11, 18)
    assert "青石示范米业有限公司 省长江质量奖" in text
    assert not any(word in text for word in (*JIANLI_WORDS, "容城"))
