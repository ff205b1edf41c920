"""The whole 终期评估 of a plan, saved as one form; signed off by an approver, then frozen.

Rules (issue 16 point 3): a verdict per target (已完成 / 未完成 / 无法评估) agrees with its final value
— 已完成 only when the value meets the target, 未完成 only when it does not (a target past its
deadline and not met is 未完成, never 滞后) — and 未完成 / 无法评估 carry their reasons; every
qualitative goal gets a verdict; the office writes the narrative. Sign-off needs every target and
goal judged and an approver; reopening needs an approver and a reason, and leaves history.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_approver
from core.dates import cn_date
from core.history import save_with_history

from ..models import (
    GoalEvaluation,
    MeasureEvaluation,
    Plan,
    PlanEvaluation,
    Target,
    TargetEvaluation,
)
from ..progress import TargetSpec, is_achieved
from .reporting import ReportError

Result = TargetEvaluation.Result
NARRATIVE = ("overview", "achievements", "problems", "suggestions")


@dataclass
class TargetVerdict:
    result: str
    final_value: Decimal | None
    final_as_of: dt.date | None
    comment: str


@dataclass
class GoalVerdict:
    result: str
    comment: str


def _locked(plan: Plan) -> PlanEvaluation:
    evaluation, _ = PlanEvaluation.objects.get_or_create(plan=plan)
    return PlanEvaluation.objects.select_for_update().get(pk=evaluation.pk)


def target_verdict_check(target: Target, verdict: TargetVerdict) -> None:
    """The verdict agrees with the value and carries its reasons; ReportError (Chinese) otherwise."""
    name = f"“{target.code} {target.name}”"
    if verdict.result not in Result.values:
        raise ReportError(f"{name}的评估结论无效。")
    if verdict.result == Result.NOT_MEASURABLE:
        if verdict.final_value is not None:
            raise ReportError(f"{name}结论为“无法评估”时不应填写最终值。")
    else:
        if verdict.final_value is None:
            raise ReportError(f"{name}结论为“{Result(verdict.result).label}”时须填写最终值。")
        met = is_achieved(TargetSpec.of(target), verdict.final_value)
        if verdict.result == Result.ACHIEVED and not met:
            raise ReportError(f"{name}的最终值未达到目标值，结论应为“未完成”。")
        if verdict.result == Result.NOT_ACHIEVED and met:
            raise ReportError(f"{name}的最终值已达到目标值，结论应为“已完成”。")
    if verdict.result != Result.ACHIEVED and not verdict.comment.strip():
        raise ReportError(f"{name}结论为“{Result(verdict.result).label}”时请写明原因。")


def plan_evaluation_save(
    *,
    plan: Plan,
    by: User,
    narrative: dict[str, str],
    targets: dict[int, TargetVerdict],
    measures: dict[int, str],
    goals: dict[int, GoalVerdict],
) -> PlanEvaluation:
    """Save the whole evaluation at once (all or nothing). Refused once signed off."""
    target_objs = {t.pk: t for t in plan.targets.filter(pk__in=list(targets))}
    if set(target_objs) != set(targets):
        raise ReportError("评估中有不属于该规划的指标，请刷新页面后重试。")
    if plan.measures.filter(pk__in=list(measures)).count() != len(measures):
        raise ReportError("评估中有不属于该规划的措施，请刷新页面后重试。")
    if plan.goals.filter(pk__in=list(goals)).count() != len(goals):
        raise ReportError("评估中有不属于该规划的定性目标，请刷新页面后重试。")
    for target_id, verdict in targets.items():
        target_verdict_check(target_objs[target_id], verdict)
    for goal_verdict in goals.values():
        if goal_verdict.result not in Result.values:
            raise ReportError("定性目标的评估结论无效。")
        if goal_verdict.result != Result.ACHIEVED and not goal_verdict.comment.strip():
            raise ReportError(f"定性目标结论为“{Result(goal_verdict.result).label}”时请写明原因。")
    now = timezone.now()
    with transaction.atomic():
        # race: an approver signing off while the office saves; the lock makes the save see it
        evaluation = _locked(plan)
        if evaluation.is_frozen:
            raise ReportError("终期评估已签发，不能修改；如需修改请由办公室负责人重新打开。")
        for name in NARRATIVE:
            setattr(evaluation, name, narrative.get(name, getattr(evaluation, name)))
        save_with_history(evaluation, by)
        existing = {e.target_id: e for e in TargetEvaluation.objects.filter(target_id__in=list(targets))}
        for target_id, verdict in targets.items():
            row = existing.get(target_id) or TargetEvaluation(target_id=target_id)
            values = (verdict.result, verdict.final_value, verdict.final_as_of, verdict.comment)
            if row.pk and (row.result, row.final_value, row.final_as_of, row.comment) == values:
                continue
            row.result, row.final_value, row.final_as_of, row.comment = values
            row.evaluated_by, row.evaluated_at = by, now
            save_with_history(row, by, clean=True)
        existing_m = {
            e.measure_id: e for e in MeasureEvaluation.objects.filter(measure_id__in=list(measures))
        }
        for measure_id, comment in measures.items():
            measure_row = existing_m.get(measure_id) or MeasureEvaluation(measure_id=measure_id)
            if measure_row.pk and measure_row.comment == comment:
                continue
            measure_row.comment = comment
            save_with_history(measure_row, by)
        existing_g = {e.goal_id: e for e in GoalEvaluation.objects.filter(goal_id__in=list(goals))}
        for goal_id, goal_verdict in goals.items():
            goal_row = existing_g.get(goal_id) or GoalEvaluation(goal_id=goal_id)
            if goal_row.pk and (goal_row.result, goal_row.comment) == (
                goal_verdict.result,
                goal_verdict.comment,
            ):
                continue
            goal_row.result, goal_row.comment = goal_verdict.result, goal_verdict.comment
            save_with_history(goal_row, by)
    return evaluation


def plan_evaluation_sign_off(*, plan: Plan, by: User, today: dt.date | None = None) -> PlanEvaluation:
    """An approver signs the evaluation off; it is frozen from then on."""
    today = today or timezone.localdate()
    if by is None or not is_approver(by):
        raise ReportError("只有办公室主任或副主任可以签发终期评估。")
    if plan.end_date >= today:
        raise ReportError(f"规划期限至 {cn_date(plan.end_date)}，到期后才能签发终期评估。")
    missing = plan.targets.filter(active=True, evaluation__isnull=True).count()
    if missing:
        raise ReportError(f"还有 {missing} 项指标没有评估结论，不能签发。")
    missing_goals = plan.goals.filter(evaluation__isnull=True).count()
    if missing_goals:
        raise ReportError(f"还有 {missing_goals} 项定性目标没有评估结论，不能签发。")
    with transaction.atomic():
        # race: two approvers signing at once; the lock lets the second see the first
        evaluation = _locked(plan)
        if evaluation.is_frozen:
            raise ReportError("终期评估已签发。")
        if not evaluation.overview.strip():
            raise ReportError("请先填写“总体评价”再签发。")
        evaluation.status = PlanEvaluation.Status.SIGNED_OFF
        evaluation.signed_by, evaluation.signed_at = by, timezone.now()
        save_with_history(evaluation, by)
    return evaluation


def plan_evaluation_reopen(*, plan: Plan, by: User, reason: str) -> PlanEvaluation:
    """An approver reopens a signed-off evaluation, with a reason kept in its history."""
    if by is None or not is_approver(by):
        raise ReportError("只有办公室主任或副主任可以重新打开终期评估。")
    if not reason.strip():
        raise ReportError("请写明重新打开的原因。")
    with transaction.atomic():
        evaluation = _locked(plan)
        if not evaluation.is_frozen:
            raise ReportError("终期评估尚未签发，无需重新打开。")
        evaluation.status = PlanEvaluation.Status.DRAFT
        evaluation.reopened_by, evaluation.reopened_at = by, timezone.now()
        evaluation.reopen_reason = reason.strip()
        save_with_history(evaluation, by)
    return evaluation
