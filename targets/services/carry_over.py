"""Carry-over: a new plan created from the previous one (issue 16 point 2).

Each target chosen is copied with its category, kind, unit and owners (牵头 and 配合), linked to its
predecessor (``Target.predecessor``), and given the new target value and deadline the office enters
in one table. The previous plan's last accepted value becomes the new baseline of a stock or rate
(so the straight line starts where the old plan ended); counts "新增" and "累计" start from 0 again.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from accounts.models import User
from core.dates import cn_date
from core.history import save_with_history

from ..models import (
    Measure,
    MeasureResponsibility,
    Plan,
    QualitativeGoal,
    Statistic,
    Target,
    TargetCategory,
    TargetOwner,
)
from ..progress import INCREMENT_KINDS
from .plans import plan_save
from .reporting import ReportError


@dataclass
class CarryRow:
    source: Target
    target_value: Decimal
    deadline: dt.date


def _last_value(target: Target, *, on: dt.date) -> Decimal | None:
    return (
        Statistic.objects.filter(target=target, as_of__lte=on)
        .order_by("-as_of", "-recorded_at", "-id")
        .values_list("value", flat=True)
        .first()
    )


def plan_carry_over(
    *, source: Plan, plan: Plan, rows: list[CarryRow], by: User, copy_measures_and_goals: bool = False
) -> Plan:
    """Create ``plan`` (unsaved) as the successor of ``source`` with the targets in ``rows``, and
    optionally its measures (with their 责任单位 in order) and qualitative goals, to edit afterwards.

    All or nothing: any refused row leaves no plan and no target behind (ReportError, Chinese).
    """
    if plan.pk:
        raise ReportError("接续只能用于新建规划。")
    if not rows:
        raise ReportError("请至少选择一项要接续的指标。")
    if plan.start_date <= source.end_date:
        raise ReportError(f"新规划的起始日期须晚于上一规划的截止日期（{cn_date(source.end_date)}）。")
    seen = set()
    for row in rows:
        if row.source.plan_id != source.pk:
            raise ReportError(f"指标“{row.source.name}”不属于规划“{source.name}”。")
        if row.source.pk in seen:
            raise ReportError(f"指标“{row.source.name}”重复接续。")
        seen.add(row.source.pk)
        if row.target_value is None or row.target_value < 0:
            raise ReportError(f"请填写“{row.source.name}”的新目标值（不能为负数）。")
        if row.source.is_rate and row.target_value > 100:
            raise ReportError(f"“{row.source.name}”是百分比指标，目标值不能超过 100%。")
        if not (plan.start_date <= row.deadline <= plan.end_date):
            raise ReportError(
                f"“{row.source.name}”的完成时限须在新规划期限（{cn_date(plan.start_date)} 至 "
                f"{cn_date(plan.end_date)}）内。"
            )
    owners: dict[int, list[TargetOwner]] = {}
    for owner in TargetOwner.objects.filter(target__in=[r.source for r in rows]).order_by("id"):
        owners.setdefault(owner.target_id, []).append(owner)
    baseline_date = plan.start_date - dt.timedelta(days=1)
    with transaction.atomic():
        plan.predecessor = source
        plan_save(plan=plan, by=by)
        # the carried targets keep their categories: the new plan takes the old one's it lacks
        have = set(plan.categories.values_list("code", flat=True))
        for category in source.categories.exclude(code__in=have):
            save_with_history(
                TargetCategory(
                    plan=plan,
                    code=category.code,
                    name=category.name,
                    order=category.order,
                    clause=category.clause,
                    heading=category.heading,
                ),
                by,
            )
        for order, row in enumerate(rows, start=1):
            old = row.source
            baseline = None if old.kind in INCREMENT_KINDS else _last_value(old, on=source.end_date)
            target = Target(
                plan=plan,
                predecessor=old,
                code=old.code,
                category=old.category,
                kind=old.kind,
                name=old.name,
                measure_unit=old.measure_unit,
                target_value=row.target_value,
                baseline_value=baseline,
                baseline_date=baseline_date,
                deadline=row.deadline,
                clause=old.clause,
                note=old.note,
                order=order * 10,
            )
            save_with_history(target, by, clean=True)
            for owner in owners.get(old.pk, []):
                copy = TargetOwner(
                    target=target, unit_id=owner.unit_id, role=owner.role, assumed=owner.assumed
                )
                save_with_history(copy, by)
        if copy_measures_and_goals:
            _copy_measures_and_goals(source=source, plan=plan, by=by)
    return plan


def _copy_measures_and_goals(*, source: Plan, plan: Plan, by: User) -> None:
    responsibilities: dict[int, list[MeasureResponsibility]] = {}
    for row in MeasureResponsibility.objects.filter(measure__plan=source).order_by("order"):
        responsibilities.setdefault(row.measure_id, []).append(row)
    for old in source.measures.order_by("order", "id"):
        measure = Measure(
            plan=plan,
            code=old.code,
            group=old.group,
            number=old.number,
            title=old.title,
            text=old.text,
            responsible_label=old.responsible_label,
            responsible_text=old.responsible_text,
            order=old.order,
        )
        save_with_history(measure, by, clean=True)
        for row in responsibilities.get(old.pk, []):
            MeasureResponsibility.objects.create(measure=measure, unit_id=row.unit_id, order=row.order)
    for goal in source.goals.order_by("order", "id"):
        save_with_history(
            QualitativeGoal(plan=plan, code=goal.code, clause=goal.clause, text=goal.text, order=goal.order),
            by,
            clean=True,
        )
