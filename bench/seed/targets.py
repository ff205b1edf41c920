"""Half-yearly progress reports with target and measure lines; statistics."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from .base import Context, bulk, make


def seed_targets(ctx: Context) -> None:
    from targets.models import (
        Measure,
        MeasureResponsibility,
        Plan,
        Report,
        ReportingPeriod,
        ReportMeasureLine,
        ReportTargetLine,
        Statistic,
        Target,
        TargetOwner,
    )

    plan = Plan.objects.filter(is_current=True).first() or Plan.objects.order_by("-start_date").first()
    if plan is None:
        return
    rng = ctx.rng
    targets = list(Target.objects.filter(plan=plan, active=True).order_by("order"))
    measures = list(Measure.objects.filter(plan=plan).order_by("order"))
    owned: dict[int, list] = {}
    for owner in TargetOwner.objects.filter(target__plan=plan).select_related("target"):
        owned.setdefault(owner.unit_id, []).append((owner.target, owner.role))
    responsible: dict[int, list] = {}
    for resp in MeasureResponsibility.objects.filter(measure__plan=plan).select_related("measure"):
        responsible.setdefault(resp.unit_id, []).append(resp.measure)

    periods = []
    for year, half in ctx.halves:
        start, end = ReportingPeriod.bounds(year, half)
        due = end + dt.timedelta(days=15)
        current = (year, half) == ctx.halves[-1]
        periods.append(
            make(
                ReportingPeriod,
                plan=plan,
                year=year,
                half=half,
                start_date=start,
                end_date=end,
                due_date=due,
                status=ReportingPeriod.Status.OPEN if current else ReportingPeriod.Status.CLOSED,
                opened_at=ctx.aware(start),
                opened_by=ctx.office_users[0],
            )
        )
    bulk(ReportingPeriod, periods, ctx)
    periods = list(ReportingPeriod.objects.filter(plan=plan).order_by("year", "half"))
    current_pk = periods[-1].pk

    R = Report.Status
    reports = []
    for period in periods:
        current = period.pk == current_pk
        for unit in ctx.units:
            if current:
                status = rng.choices(
                    [R.NOT_STARTED, R.DRAFT, R.SUBMITTED, R.ACCEPTED], weights=[30, 30, 25, 15]
                )[0]
            else:
                status = R.ACCEPTED
            submitted = None
            if status in (R.SUBMITTED, R.ACCEPTED):
                late = rng.random() < 0.15
                submitted = ctx.aware(period.due_date + dt.timedelta(days=rng.randint(1, 20) if late else -3))
                submitted = min(submitted, ctx.aware(ctx.today, 8))
            reports.append(
                make(
                    Report,
                    period=period,
                    unit=unit,
                    status=status,
                    summary="" if status == R.NOT_STARTED else "基准测试：本期工作总体情况。",
                    first_submitted_at=submitted,
                    submitted_at=submitted,
                    submitted_by=ctx.unit_users.get(unit.pk) if submitted else None,
                    reviewed_by=ctx.office_users[0] if status == R.ACCEPTED else None,
                    accepted_at=submitted + dt.timedelta(days=2) if status == R.ACCEPTED else None,
                )
            )
    bulk(Report, reports, ctx)
    reports = list(Report.objects.filter(period__plan=plan).select_related("period").order_by("pk"))

    target_lines, measure_lines = [], []
    for report in reports:
        own = owned.get(report.unit_id) or [(targets[report.unit_id % len(targets)], "support")]
        mine = responsible.get(report.unit_id) or [measures[report.unit_id % len(measures)]]
        filled = report.status != R.NOT_STARTED
        for target, role in own:
            value = _plausible(target, rng) if filled and role == "lead" else None
            target_lines.append(
                make(
                    ReportTargetLine,
                    report=report,
                    target=target,
                    role=role,
                    value=value,
                    stat_date=report.period.end_date if value is not None else None,
                    source="统计部门" if value is not None else "",
                    note="" if not filled else "按期报送。",
                )
            )
        for measure in mine:
            measure_lines.append(
                make(
                    ReportMeasureLine,
                    report=report,
                    measure=measure,
                    progress="基准测试：本期措施推进情况。" if filled else "",
                    problems="无" if filled else "",
                    next_steps="继续推进。" if filled else "",
                )
            )
    bulk(ReportTargetLine, target_lines, ctx)
    bulk(ReportMeasureLine, measure_lines, ctx)

    accepted = (
        ReportTargetLine.objects.filter(report__status=R.ACCEPTED, value__isnull=False)
        .select_related("report__period")
        .order_by("pk")
    )
    stats = [
        make(
            Statistic,
            target_id=line.target_id,
            value=line.value,
            as_of=line.stat_date,
            source=line.source or "成员单位报告",
            origin=Statistic.Origin.REPORT,
            unit_id=line.report.unit_id,
            report_line=line,
            recorded_at=line.report.accepted_at,
            recorded_by=ctx.office_users[0],
        )
        for line in accepted
    ]
    # the office's monthly official statistics for every target
    first = dt.date(ctx.halves[0][0], 1, 1)
    month = first
    while month <= ctx.today:
        for target in targets:
            stats.append(
                make(
                    Statistic,
                    target=target,
                    value=_plausible(target, rng),
                    as_of=month,
                    source="市统计局",
                    origin=Statistic.Origin.IMPORT,
                    recorded_at=ctx.aware(month),
                    recorded_by=ctx.office_users[0],
                )
            )
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    bulk(Statistic, stats, ctx)


def _plausible(target, rng: random.Random) -> Decimal:
    top = float(target.target_value or 10)
    if target.is_rate:
        return Decimal(str(round(min(100.0, rng.uniform(0.3, 1.05) * min(top, 100.0)), 2)))
    return Decimal(str(round(rng.uniform(0.3, 1.2) * top, 2)))
