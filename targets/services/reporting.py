"""Reporting periods and the life of a member unit's report."""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from accounts.selectors import office_users
from committee.models import MemberUnit
from core import rhythm as rh
from core.dates import cn_date
from core.errors import ServiceError
from core.history import save_with_history
from core.models import SiteSetting
from meetings.selectors import unit_ids_with_open_followups
from notifications.services import notify

from ..models import (
    MeasureResponsibility,
    Plan,
    QualitativeGoal,
    Report,
    ReportGoalLine,
    ReportingPeriod,
    ReportMeasureLine,
    ReportTargetLine,
    Statistic,
    TargetOwner,
)

logger = logging.getLogger(__name__)


class ReportError(ServiceError):
    """A reporting rule refused the action (``core.errors.ServiceError``; the name is kept for the
    many callers in targets)."""

    default_code = "report_refused"


@dataclass
class LineInput:
    """What a person (or a template row) gives for one target line."""

    value: object = None
    stat_date: dt.date | None = None
    source: str = ""
    note: str = ""
    evidence: UploadedFile | None = None  # already validated; None keeps the current one
    clear_evidence: bool = False


@dataclass
class MeasureInput:
    progress: str = ""
    problems: str = ""
    next_steps: str = ""


@dataclass
class ReportInput:
    lines: dict[int, LineInput] = field(default_factory=dict)  # by target id
    measures: dict[int, MeasureInput] = field(default_factory=dict)  # by measure id
    goals: dict[int, str] = field(default_factory=dict)  # by qualitative goal id: what the unit did
    summary: str | None = None


def period_due_date(*, year: int, half: int, rhythm: str | None = None) -> dt.date:
    """Default due date: the period's last day plus the office's configured number of days.

    ``half`` is the period's number within the year; ``rhythm`` defaults to the office's reporting
    rhythm (SiteSetting.reporting_rhythm)."""
    setting = SiteSetting.get()
    term = rh.Period(year, half, rhythm or setting.reporting_rhythm)
    return term.end + dt.timedelta(days=setting.report_due_days_after_half)


def reporting_rhythm() -> str:
    """The office's reporting rhythm (core.rhythm: quarter, half or year)."""
    return SiteSetting.get().reporting_rhythm


def responsible_unit_ids(plan: Plan) -> set[int]:
    """Units owning an active target or a measure of ``plan``, plus units with open follow-up items."""
    ids = set(
        TargetOwner.objects.filter(target__plan=plan, target__active=True).values_list("unit_id", flat=True)
    )
    ids |= set(MeasureResponsibility.objects.filter(measure__plan=plan).values_list("unit_id", flat=True))
    ids |= set(unit_ids_with_open_followups())
    return set(MemberUnit.objects.filter(pk__in=ids, active=True).values_list("pk", flat=True))


def overlapping_period(*, plan: Plan, term: rh.Period) -> ReportingPeriod | None:
    """A period of ``plan`` with another rhythm whose dates overlap ``term`` (a rhythm change
    starts with the first period that does not overlap one already opened)."""
    return (
        ReportingPeriod.objects.filter(plan=plan, start_date__lte=term.end, end_date__gte=term.start)
        .exclude(rhythm=term.rhythm)
        .order_by("start_date")
        .first()
    )


def period_open(
    *,
    plan: Plan,
    year: int,
    half: int,
    rhythm: str | None = None,
    due_date: dt.date | None = None,
    by: User | None = None,
    backfilled: bool = False,
    today: dt.date | None = None,
) -> tuple[ReportingPeriod, int]:
    """Open (or re-open) period ``half`` of ``year`` of ``plan``; returns (period, new reports).

    ``half`` is the period's number within the year, of ``rhythm`` (default: the office's reporting
    rhythm): 1–4 quarters, 1–2 halves, 1 for a year. Idempotent: one report per responsible unit,
    whatever the number of calls (the scheduler may run twice, the office may click again). A re-run
    adds reports for units that became responsible since, and missing lines to reports that are
    still editable; it never duplicates or deletes.
    """
    rhythm = rhythm or reporting_rhythm()
    try:
        term = rh.Period(year, half, rhythm)
    except ValueError:
        if rhythm == rh.HALF:
            raise ReportError("半年只能是上半年（1）或下半年（2）。") from None
        raise ReportError(f"报送期次序号无效（{rh.RHYTHM_NAMES.get(rhythm, rhythm)}）。") from None
    start, end = term.start, term.end
    if end < plan.start_date or start > plan.end_date:
        raise ReportError(
            f"{term.name}不在规划“{plan.name}”的期限"
            f"（{cn_date(plan.start_date)} 至 {cn_date(plan.end_date)}）内。"
        )
    clash = overlapping_period(plan=plan, term=term)
    if clash is not None:
        raise ReportError(
            f"{term.name}与已开放的期次“{clash}”（{cn_date(clash.start_date)} 至 {cn_date(clash.end_date)}）"
            "时间重叠：报送周期调整后，从第一个不重叠的期次起按新周期报送。"
        )
    due = due_date or period_due_date(year=year, half=half, rhythm=rhythm)
    if due < start:
        raise ReportError("报送截止日不能早于期次起始日期。")
    # given ``today`` (the office's form, the scheduler): a new period whose due date has already
    # passed would mark every unit 未报送 at once and escalate; ask for a new due date instead
    if (
        today is not None
        and not backfilled
        and due < today
        and not ReportingPeriod.objects.filter(plan=plan, rhythm=rhythm, year=year, half=half).exists()
    ):
        raise ReportError(
            f"{term.name}的报送截止日 {cn_date(due)} 已过，"
            "开放后所有单位会立即被记为未报送。请另定新的报送截止日（今天或以后）。"
        )
    with transaction.atomic():
        # race: two openers at once (a second beat, a double click); the unique (plan, rhythm, year, half)
        # makes get_or_create return the same row, and the lock serialises report creation below
        period, _ = ReportingPeriod.objects.get_or_create(
            plan=plan,
            rhythm=rhythm,
            year=year,
            half=half,
            defaults={
                "start_date": start,
                "end_date": end,
                "due_date": due,
                "opened_by": by,
                "backfilled": backfilled,
            },
        )
        period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        if period.status != ReportingPeriod.Status.OPEN:
            period.status = ReportingPeriod.Status.OPEN
            save_with_history(period, by, update_fields=["status"])
        existing = set(period.reports.values_list("unit_id", flat=True))
        wanted = responsible_unit_ids(plan)
        new_reports = [
            Report(period=period, unit_id=unit_id, backfilled=period.backfilled)
            for unit_id in sorted(wanted - existing)
        ]
        if new_reports:
            bulk_create_with_history(new_reports, Report, default_user=by)
        _sync_lines(period, user=by)
    return period, len(new_reports)


def _sync_lines(period: ReportingPeriod, *, user: User | None) -> None:
    """Give every editable report of ``period`` a line for each target and measure its unit owns."""
    reports = {r.unit_id: r for r in period.reports.filter(status__in=Report.EDITABLE_STATUSES)}
    if not reports:
        return
    have_targets = set(
        ReportTargetLine.objects.filter(report__in=reports.values()).values_list("report_id", "target_id")
    )
    have_measures = set(
        ReportMeasureLine.objects.filter(report__in=reports.values()).values_list("report_id", "measure_id")
    )
    target_lines = [
        ReportTargetLine(report=reports[o.unit_id], target_id=o.target_id, role=o.role)
        for o in TargetOwner.objects.filter(
            target__plan=period.plan, target__active=True, unit_id__in=reports
        ).order_by("target__order", "id")
        if (reports[o.unit_id].pk, o.target_id) not in have_targets
    ]
    measure_lines = [
        ReportMeasureLine(report=reports[r.unit_id], measure_id=r.measure_id)
        for r in MeasureResponsibility.objects.filter(measure__plan=period.plan, unit_id__in=reports)
        if (reports[r.unit_id].pk, r.measure_id) not in have_measures
    ]
    # every qualitative goal gets a line in every report: 终期评估 reads what the units did
    have_goals = set(
        ReportGoalLine.objects.filter(report__in=reports.values()).values_list("report_id", "goal_id")
    )
    goal_lines = [
        ReportGoalLine(report=report, goal=goal)
        for goal in QualitativeGoal.objects.filter(plan=period.plan).order_by("order", "id")
        for report in reports.values()
        if (report.pk, goal.pk) not in have_goals
    ]
    if target_lines:
        bulk_create_with_history(target_lines, ReportTargetLine, default_user=user)
    if measure_lines:
        bulk_create_with_history(measure_lines, ReportMeasureLine, default_user=user)
    if goal_lines:
        bulk_create_with_history(goal_lines, ReportGoalLine, default_user=user)


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update(of=("self",)).select_related("period", "unit").get(pk=report.pk)


def report_save(*, report: Report, by: User, data: ReportInput) -> Report:
    """Save the unit's entries as a draft (values already validated by the form or template parser)."""
    with transaction.atomic():
        # race: a save arriving while the office accepts; the lock makes one of them see the new state
        report = _locked(report)
        if report.status not in Report.EDITABLE_STATUSES:
            raise ReportError(
                f"该报告{report.get_status_display()}，不能修改。"
                + ("如需更正，请联系办公室。" if report.status == Report.Status.ACCEPTED else "")
            )
        _apply_input(report, by=by, data=data)
        if report.status == Report.Status.NOT_STARTED:
            report.status = Report.Status.DRAFT
        save_with_history(report, by)
    return report


def _apply_input(report: Report, *, by: User, data: ReportInput) -> None:
    if data.summary is not None and data.summary != report.summary:
        report.summary = data.summary
    lines = {line.target_id: line for line in report.target_lines.all()}
    for target_id, given in data.lines.items():
        line = lines.get(target_id)
        if line is None:
            raise ReportError("报告中没有该指标，请刷新页面后重试。")
        changed = False
        for name in ("value", "stat_date", "source", "note"):
            new = getattr(given, name)
            if getattr(line, name) != new:
                setattr(line, name, new)
                changed = True
        if given.clear_evidence and line.evidence:
            line.evidence, line.evidence_name = None, ""
            changed = True
        if given.evidence is not None:
            file_name = given.evidence.name or ""
            line.evidence_name = file_name[:200]
            line.evidence.save(file_name, given.evidence, save=False)
            changed = True
        if changed:
            save_with_history(line, by)
    measures = {m.measure_id: m for m in report.measure_lines.all()}
    for measure_id, done in data.measures.items():
        measure_line = measures.get(measure_id)
        if measure_line is None:
            raise ReportError("报告中没有该措施，请刷新页面后重试。")
        if (measure_line.progress, measure_line.problems, measure_line.next_steps) != (
            done.progress,
            done.problems,
            done.next_steps,
        ):
            measure_line.progress, measure_line.problems, measure_line.next_steps = (
                done.progress,
                done.problems,
                done.next_steps,
            )
            save_with_history(measure_line, by)
    goals = {g.goal_id: g for g in report.goal_lines.all()} if data.goals else {}
    for goal_id, progress in data.goals.items():
        goal_line = goals.get(goal_id)
        if goal_line is None:
            raise ReportError("报告中没有该定性目标，请刷新页面后重试。")
        if goal_line.progress != progress:
            goal_line.progress = progress
            save_with_history(goal_line, by)


def missing_for_submission(report: Report) -> list[str]:
    """What still has to be filled before the report can be submitted (Chinese, one item per gap)."""
    gaps = []
    for line in report.target_lines.select_related("target"):
        if not line.is_lead:
            continue  # 配合单位 may leave the value to the lead unit
        if line.value is None or line.stat_date is None or not line.source:
            gaps.append(f"指标“{line.target.code} {line.target.name}”的实际值、统计日期和数据来源")
    for measure_line in report.measure_lines.select_related("measure"):
        if not measure_line.progress.strip():
            gaps.append(f"措施“{measure_line.measure.code} {measure_line.measure.title}”的工作进展")
    if not report.target_lines.exists() and not report.measure_lines.exists() and not report.summary.strip():
        gaps.append("总体情况及其他工作")
    return gaps


def report_submit(*, report: Report, by: User, now: dt.datetime | None = None) -> Report:
    """Submit (or resubmit after a return). The first submission's time decides timeliness."""
    now = now or timezone.now()
    with transaction.atomic():
        # race: a double click submitting twice, or a submit racing the office's accept
        report = _locked(report)
        if report.status == Report.Status.ACCEPTED:
            raise ReportError("该报告已采纳，不能再次提交。")
        if report.status == Report.Status.SUBMITTED:
            raise ReportError("该报告已提交，正在等待办公室审核。")
        gaps = missing_for_submission(report)
        if gaps:
            raise ReportError("提交前请填写：" + "；".join(gaps) + "。")
        report.status = Report.Status.SUBMITTED
        report.first_submitted_at = report.first_submitted_at or now
        report.submitted_at = now
        report.submitted_by = by
        save_with_history(report, by)
        notify(
            occasion=f"report:{report.pk}:submitted:{int(now.timestamp())}",
            recipients=office_users(),
            subject=f"{report.unit}已提交{report.period}进度报告",
            body=f"{report.unit}于 {cn_date(now)} 提交了{report.period}进度报告，请审核。",
            url=report.get_absolute_url(),
        )
    return report


def report_return(*, report: Report, by: User, comment: str) -> Report:
    """The office sends a submitted report back with a comment; the unit edits and resubmits."""
    comment = (comment or "").strip()
    if not comment:
        raise ReportError("退回时必须填写退回意见。")
    with transaction.atomic():
        # race: two office staff reviewing the same report; only a still-submitted report moves
        report = _locked(report)
        if report.status != Report.Status.SUBMITTED:
            raise ReportError(f"只能退回已提交的报告，该报告当前为“{report.get_status_display()}”。")
        report.status = Report.Status.RETURNED
        report.returned_at = timezone.now()
        report.return_comment = comment
        report.return_count += 1
        report.reviewed_by = by
        save_with_history(report, by)
        _notify_unit(
            report,
            f"returned:{report.return_count}",
            subject=f"{report.period}进度报告被退回",
            body=f"办公室退回了贵单位{report.period}进度报告，意见：{comment}。请修改后重新提交。",
        )
    return report


def report_accept(*, report: Report, by: User) -> Report:
    """Accept a submitted report: its values become the targets' latest actuals (Statistic rows)."""
    with transaction.atomic():
        # race: accept racing a return or a second accept; the lock lets exactly one act on "submitted"
        report = _locked(report)
        if report.status == Report.Status.ACCEPTED:
            raise ReportError("该报告已采纳。")
        if report.status != Report.Status.SUBMITTED:
            raise ReportError(f"只能采纳已提交的报告，该报告当前为“{report.get_status_display()}”。")
        _accept(report, by=by)
        _notify_unit(
            report,
            "accepted",
            subject=f"{report.period}进度报告已采纳",
            body=f"办公室已采纳贵单位{report.period}进度报告。",
        )
    return report


def _accept(report: Report, *, by: User) -> None:
    now = timezone.now()
    report.status = Report.Status.ACCEPTED
    report.accepted_at = now
    report.reviewed_by = by
    save_with_history(report, by)
    rows = [
        Statistic(
            target_id=line.target_id,
            value=line.value,
            as_of=line.stat_date or report.period.end_date,
            source=line.source or f"{report.unit}{report.period}进度报告",
            origin=Statistic.Origin.REPORT,
            unit_id=report.unit_id,
            report_line=line,
            backfilled=report.backfilled,
            note=line.note,
            recorded_at=now,
            recorded_by=by,
        )
        for line in report.target_lines.filter(value__isnull=False)
        if line.value is not None  # as the query says (for the type checker)
    ]
    if rows:
        bulk_create_with_history(rows, Statistic, default_user=by)


def report_backfill(*, report: Report, by: User, data: ReportInput) -> Report:
    """The office enters a past period's report from its old spreadsheets and accepts it at once."""
    with transaction.atomic():
        report = _locked(report)
        if not report.period.backfilled:
            raise ReportError("只有补录期次的报告可由办公室直接补录。")
        if report.status == Report.Status.ACCEPTED:
            raise ReportError("该报告已采纳，不能再次补录。")
        _apply_input(report, by=by, data=data)
        now = timezone.now()
        report.backfilled = True
        report.first_submitted_at = report.first_submitted_at or now
        report.submitted_at = now
        report.submitted_by = by
        _accept(report, by=by)
    return report


def _notify_unit(report: Report, milestone: str, *, subject: str, body: str) -> None:
    notify(
        occasion=f"report:{report.pk}:{milestone}",
        recipients=_unit_users(report.unit_id),
        subject=subject,
        body=body,
        url=report.get_absolute_url(),
    )


def _unit_users(unit_id: int) -> list[User]:
    return list(User.objects.filter(Q(member_unit_id=unit_id) & Q(is_active=True)))
