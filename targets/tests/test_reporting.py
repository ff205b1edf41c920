"""Periods and the life of a report: open, save, submit, return, resubmit, accept; timeliness; history."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from committee.models import MemberUnit
from core.models import SiteSetting
from notifications.models import Notification
from targets import selectors
from targets.models import (
    MeasureResponsibility,
    Report,
    ReportingPeriod,
    ReportTargetLine,
    Statistic,
    TargetOwner,
)
from targets.services import (
    ReportError,
    period_open,
    report_accept,
    report_backfill,
    report_return,
    report_save,
    report_submit,
)
from targets.tests.conftest import NOW, complete_input
from targets.tests.factories import PlanFactory, TargetFactory, TargetOwnerFactory
from tests.factories import MemberUnitFactory

pytestmark = pytest.mark.django_db


# --- opening a period -----------------------------------------------------------------------------


def test_opening_a_period_creates_one_report_per_unit_owning_a_target_or_measure(policy, clock):
    period, created = period_open(plan=policy, year=2025, half=1)
    owners = set(TargetOwner.objects.filter(target__plan=policy).values_list("unit_id", flat=True))
    responsible = set(
        MeasureResponsibility.objects.filter(measure__plan=policy).values_list("unit_id", flat=True)
    )
    assert set(period.reports.values_list("unit_id", flat=True)) == owners | responsible
    assert created == len(owners | responsible)
    assert not period.reports.filter(unit__name="容城镇").exists()  # owns nothing


def test_reopening_a_period_creates_nothing_new(policy, clock):
    period, _ = period_open(plan=policy, year=2025, half=1)
    lines = ReportTargetLine.objects.filter(report__period=period).count()
    again, created = period_open(plan=policy, year=2025, half=1)
    assert again == period and created == 0
    assert ReportingPeriod.objects.filter(plan=policy).count() == 1
    assert ReportTargetLine.objects.filter(report__period=period).count() == lines


def test_reopening_adds_a_report_for_a_unit_that_became_responsible_since(policy, clock):
    period, _ = period_open(plan=policy, year=2025, half=1)
    newcomer = MemberUnitFactory(name="新成员单位")
    TargetOwnerFactory(target=policy.targets.get(code="T01"), unit=newcomer)
    _, created = period_open(plan=policy, year=2025, half=1)
    assert created == 1
    report = period.reports.get(unit=newcomer)
    assert list(report.target_lines.values_list("target__code", flat=True)) == ["T01"]


def test_report_lines_are_the_units_own_targets_and_measures(period, report_a):
    assert set(report_a.target_lines.values_list("target__code", "role")) == {
        ("T04", "lead"),
        ("T16", "lead"),
        ("T20", "support"),
        ("T21", "support"),
    }
    assert report_a.measure_lines.count() == 4


def test_default_due_date_is_the_end_of_the_half_plus_the_office_setting(policy, clock):
    setting = SiteSetting.get()
    setting.report_due_days_after_half = 20
    setting.save()
    period, _ = period_open(plan=policy, year=2025, half=1)
    assert (period.start_date, period.end_date, period.due_date) == (
        dt.date(2025, 1, 1),
        dt.date(2025, 6, 30),
        dt.date(2025, 7, 20),
    )


def test_a_half_year_outside_the_plan_is_refused_and_nothing_is_created(policy):
    with pytest.raises(ReportError, match="不在规划"):
        period_open(plan=policy, year=2026, half=2)
    assert not ReportingPeriod.objects.exists()


def test_units_with_open_followups_get_a_report_when_meetings_offers_them(policy, clock, monkeypatch):
    township = MemberUnit.objects.get(name="容城镇")
    monkeypatch.setattr("targets.services.reporting.unit_ids_with_open_followups", lambda: [township.pk])
    period, _ = period_open(plan=policy, year=2025, half=1)
    report = period.reports.get(unit=township)
    assert report.target_lines.count() == 0 and report.measure_lines.count() == 0


def test_a_new_plan_is_reported_on_beside_the_old_one(policy, clock):
    new_plan = PlanFactory(
        code="jl-2026-2030", start_date=dt.date(2026, 1, 1), end_date=dt.date(2030, 12, 31)
    )
    unit = MemberUnit.objects.get(name="市市场监管局")
    TargetOwnerFactory(target=TargetFactory(plan=new_plan, code="N01"), unit=unit)
    with time_machine.travel(dt.datetime(2026, 7, 2, 9, 0), tick=False):
        period, created = period_open(plan=new_plan, year=2026, half=1)
    assert created == 1
    assert period.reports.get().target_lines.get().target.code == "N01"
    old, _ = period_open(plan=policy, year=2025, half=2)
    assert old.reports.count() > 1


# --- save, submit, return, accept -----------------------------------------------------------------


def test_saving_makes_a_draft_and_never_moves_the_dashboard(report_a, users, fill):
    fill(report_a, users["unit_a"])
    report_a.refresh_from_db()
    assert report_a.status == Report.Status.DRAFT
    assert not Statistic.objects.exists()
    rows = {r["target"].code: r for r in selectors.target_progress_rows(plan=report_a.period.plan)}
    assert rows["T04"]["actual"] is None and rows["T04"]["rag"] == "gray"


def test_submitting_stores_the_time_and_the_submitter(report_a, users, fill):
    fill(report_a, users["unit_a"])
    report_submit(report=report_a, by=users["unit_a"])
    report_a.refresh_from_db()
    assert report_a.status == Report.Status.SUBMITTED
    assert report_a.first_submitted_at == report_a.submitted_at == NOW
    assert report_a.submitted_by == users["unit_a"]


def test_submitting_an_incomplete_report_names_what_is_missing_and_changes_nothing(report_a, users):
    with pytest.raises(ReportError, match="T04"):
        report_submit(report=report_a, by=users["unit_a"])
    report_a.refresh_from_db()
    assert report_a.status == Report.Status.NOT_STARTED and report_a.first_submitted_at is None


def test_support_lines_may_stay_empty_at_submission(report_a, users, fill):
    fill(report_a, users["unit_a"])
    support = report_a.target_lines.filter(role="support")
    support.update(value=None, stat_date=None, source="")
    report_submit(report=report_a, by=users["unit_a"])
    assert Report.objects.get(pk=report_a.pk).status == Report.Status.SUBMITTED


def test_office_is_notified_of_a_submission(report_a, users, fill):
    fill(report_a, users["unit_a"])
    report_submit(report=report_a, by=users["unit_a"])
    assert Notification.objects.filter(
        recipient=users["office"], occasion__startswith=f"report:{report_a.pk}:submitted"
    )


def test_return_needs_a_comment_and_then_the_unit_edits_and_resubmits(report_a, users, fill):
    fill(report_a, users["unit_a"])
    report_submit(report=report_a, by=users["unit_a"])
    with pytest.raises(ReportError, match="退回意见"):
        report_return(report=report_a, by=users["office"], comment="  ")
    assert Report.objects.get(pk=report_a.pk).status == Report.Status.SUBMITTED
    report_return(report=report_a, by=users["office"], comment="T04 数据来源请写明抽检批次")
    report_a.refresh_from_db()
    assert (report_a.status, report_a.return_count) == (Report.Status.RETURNED, 1)
    assert Notification.objects.filter(recipient=users["unit_a"], occasion=f"report:{report_a.pk}:returned:1")
    fill(report_a, users["unit_a"], value="60")
    with time_machine.travel(NOW + dt.timedelta(days=3), tick=False):
        report_submit(report=report_a, by=users["unit_a"])
    report_a.refresh_from_db()
    assert report_a.status == Report.Status.SUBMITTED
    assert report_a.first_submitted_at == NOW  # the first submission decides timeliness
    assert report_a.submitted_at == NOW + dt.timedelta(days=3)


def test_accepting_turns_the_values_into_the_latest_actuals(report_a, users, fill):
    fill(report_a, users["unit_a"], value="97")
    report_submit(report=report_a, by=users["unit_a"])
    report_accept(report=report_a, by=users["office"])
    report_a.refresh_from_db()
    assert report_a.status == Report.Status.ACCEPTED and report_a.reviewed_by == users["office"]
    stat = Statistic.objects.get(target__code="T04")
    assert (stat.value, stat.as_of, stat.origin, stat.unit) == (
        Decimal("97"),
        dt.date(2025, 6, 30),
        Statistic.Origin.REPORT,
        report_a.unit,
    )
    rows = {r["target"].code: r for r in selectors.target_progress_rows(plan=report_a.period.plan)}
    assert rows["T04"]["actual"] == Decimal("97") and rows["T04"]["rag"] == "amber"


def test_only_a_submitted_report_can_be_returned_or_accepted(report_a, users, fill):
    fill(report_a, users["unit_a"])
    with pytest.raises(ReportError):
        report_accept(report=report_a, by=users["office"])
    with pytest.raises(ReportError):
        report_return(report=report_a, by=users["office"], comment="x")
    assert not Statistic.objects.exists()


def test_an_accepted_report_is_read_only_and_cannot_be_submitted_again(report_a, users, fill):
    fill(report_a, users["unit_a"])
    report_submit(report=report_a, by=users["unit_a"])
    report_accept(report=report_a, by=users["office"])
    with pytest.raises(ReportError, match="已采纳，不能再次提交"):
        report_submit(report=report_a, by=users["unit_a"])
    with pytest.raises(ReportError, match="不能修改"):
        report_save(report=report_a, by=users["unit_a"], data=complete_input(report_a, value="1"))
    with pytest.raises(ReportError, match="已采纳"):
        report_accept(report=report_a, by=users["office"])
    assert Statistic.objects.filter(target__code="T04").count() == 1
    assert ReportTargetLine.objects.get(report=report_a, target__code="T04").value == Decimal("50")


def test_a_submitted_report_cannot_be_edited_or_submitted_twice(report_a, users, fill):
    fill(report_a, users["unit_a"])
    report_submit(report=report_a, by=users["unit_a"])
    with pytest.raises(ReportError, match="等待办公室审核"):
        report_submit(report=report_a, by=users["unit_a"])
    with pytest.raises(ReportError):
        report_save(report=report_a, by=users["unit_a"], data=complete_input(report_a, value="1"))


def test_the_latest_accepted_value_wins_by_statistic_date(period, report_a, users, fill, policy):
    fill(report_a, users["unit_a"], value="95")
    report_submit(report=report_a, by=users["unit_a"])
    report_accept(report=report_a, by=users["office"])
    h2, _ = period_open(plan=policy, year=2025, half=2)
    later = h2.reports.get(unit=report_a.unit)
    fill(later, users["unit_a"], value="99", stat_date=dt.date(2025, 8, 31))
    rows = {r["target"].code: r for r in selectors.target_progress_rows(plan=policy)}
    assert rows["T04"]["actual"] == Decimal("95")  # the later draft counts for nothing
    report_submit(report=later, by=users["unit_a"])
    report_accept(report=later, by=users["office"])
    rows = {r["target"].code: r for r in selectors.target_progress_rows(plan=policy)}
    assert rows["T04"]["actual"] == Decimal("99") and rows["T04"]["achieved"]
    assert [p["label"] for p in rows["T04"]["series"]] == ["2025上半年", "2025下半年"]


# --- timeliness ---------------------------------------------------------------------------------


def test_a_report_first_submitted_on_the_due_date_is_on_time_and_after_it_late(
    report_a, report_market, users, fill, market_user
):
    due = report_a.period.due_date
    fill(report_a, users["unit_a"])
    fill(report_market, market_user)
    with time_machine.travel(
        dt.datetime(due.year, due.month, due.day, 23, 59, tzinfo=NOW.tzinfo), tick=False
    ):
        report_submit(report=report_a, by=users["unit_a"])
    with time_machine.travel(
        dt.datetime(due.year, due.month, due.day + 1, 0, 1, tzinfo=NOW.tzinfo), tick=False
    ):
        report_submit(report=report_market, by=market_user)
    report_a.refresh_from_db()
    report_market.refresh_from_db()
    assert report_a.timeliness() == Report.Timeliness.ON_TIME
    assert report_market.timeliness() == Report.Timeliness.LATE


def test_a_report_not_submitted_is_pending_until_the_due_date_then_missing(report_a):
    due = report_a.period.due_date
    assert report_a.timeliness(due) == Report.Timeliness.PENDING
    assert report_a.timeliness(due + dt.timedelta(days=1)) == Report.Timeliness.MISSING


def test_a_late_first_submission_stays_late_after_a_return_and_resubmission(report_a, users, fill):
    fill(report_a, users["unit_a"])
    report_submit(report=report_a, by=users["unit_a"])  # NOW is after the due date: late
    report_return(report=report_a, by=users["office"], comment="请补充")
    report_submit(report=report_a, by=users["unit_a"])
    report_a.refresh_from_db()
    assert report_a.timeliness() == Report.Timeliness.LATE


def test_league_table_and_yearly_counts(period, report_a, report_market, users, fill, market_user):
    fill(report_a, users["unit_a"])
    with time_machine.travel(dt.datetime(2025, 7, 10, 9, 0, tzinfo=NOW.tzinfo), tick=False):
        report_submit(report=report_a, by=users["unit_a"])
    fill(report_market, market_user)
    report_submit(report=report_market, by=market_user)
    report_return(report=report_market, by=users["office"], comment="请补充")
    table = selectors.period_timeliness(period=period)
    assert table[0]["unit"] == report_a.unit and table[0]["timeliness"] == "on_time"
    assert table[1]["unit"] == report_market.unit and table[1]["timeliness"] == "late"
    assert {r["timeliness"] for r in table[2:]} == {"missing"}
    counts = selectors.unit_timeliness_counts(year=2025)
    assert counts[report_a.unit_id] == {"on_time": 1, "late": 0, "missing": 0, "returned": 0}
    assert counts[report_market.unit_id] == {"on_time": 0, "late": 1, "missing": 0, "returned": 1}


# --- backfill -----------------------------------------------------------------------------------


def test_office_backfills_a_past_period_marked_as_such(policy, users, clock):
    period, _ = period_open(plan=policy, year=2023, half=2, backfilled=True, by=users["office"])
    report = period.reports.get(unit=users["unit_a"].member_unit)
    report_backfill(report=report, by=users["office"], data=complete_input(report, value="96"))
    report.refresh_from_db()
    assert report.status == Report.Status.ACCEPTED and report.backfilled
    assert report.timeliness() == Report.Timeliness.BACKFILLED
    stat = Statistic.objects.get(target__code="T04")
    assert stat.backfilled and stat.as_of == dt.date(2023, 12, 31)


def test_backfill_is_refused_outside_a_backfilled_period(report_a, users):
    with pytest.raises(ReportError, match="补录"):
        report_backfill(report=report_a, by=users["office"], data=complete_input(report_a))
    assert Report.objects.get(pk=report_a.pk).status == Report.Status.NOT_STARTED


# --- history --------------------------------------------------------------------------------------


def test_every_change_is_in_the_history_with_who_and_what(report_a, users, fill):
    fill(report_a, users["unit_a"], value="90")
    fill(report_a, users["unit_a"], value="91")
    line = report_a.target_lines.get(target__code="T04")
    records = list(line.history.order_by("history_date"))
    assert [r.value for r in records][-2:] == [Decimal("90"), Decimal("91")]
    assert records[-1].history_user == users["unit_a"]
    report_submit(report=report_a, by=users["unit_a"])
    report_accept(report=report_a, by=users["office"])
    assert [h.status for h in report_a.history.order_by("history_date")][-2:] == ["submitted", "accepted"]
    assert Statistic.history.filter(target__code="T04", history_user=users["office"]).count() == 1
