"""三(三) 督查考核 by the office's rules: the scheme is data, the score is computed per unit from the
facts of the year (reports, follow-up items, targets), each deduction with its evidence."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeAlias

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_approver
from committee.models import MemberUnit
from core.dates import cn_date
from core.errors import ServiceError
from core.history import delete_with_history, save_with_history
from core.policy import rhythm_name
from core.ranking import rank_with_ties
from meetings.models import FollowUpAssignment
from notifications.services import notify
from targets import selectors as target_selectors
from targets.models import Plan, Report, TargetOwner

from .models import AssessmentItem, AssessmentResult, AssessmentScheme

Kind = AssessmentItem.Kind
MAX_POINTS = Decimal(100)
# unit id → item kind → the facts (Chinese lines) that cost the unit points
Facts: TypeAlias = dict[int, dict[str, list[str]]]


class AssessmentError(ServiceError):
    """An assessment rule refused the action (``core.errors.ServiceError``; the name is kept for its
    callers)."""

    default_code = "assessment_refused"


@dataclass
class ItemInput:
    kind: str
    name: str
    weight: Decimal
    deduction: Decimal


def suggested_items() -> list[ItemInput]:
    """A starting point the office edits (only the form's initial data; the computation reads the
    scheme), named after the office's reporting rhythm (半年报告按时报送, 季度报告按时报送 …)."""
    period = rhythm_name()
    return [
        ItemInput(Kind.REPORT_LATE, f"{period}报告按时报送", Decimal(15), Decimal(5)),
        ItemInput(Kind.REPORT_MISSING, f"{period}报告报送", Decimal(20), Decimal(10)),
        ItemInput(Kind.REPORT_RETURNED, f"{period}报告质量", Decimal(10), Decimal(2)),
        ItemInput(Kind.FOLLOWUP_OVERDUE, "督办事项按期办结", Decimal(25), Decimal(5)),
        ItemInput(Kind.FOLLOWUP_CLOSED_LATE, "督办事项办结时效", Decimal(10), Decimal(2)),
        ItemInput(Kind.TARGET_BEHIND, "牵头指标进度", Decimal(20), Decimal(4)),
    ]


def scheme_save(*, year: int, note: str, items: list[ItemInput], by: User) -> AssessmentScheme:
    """Create or replace the year's scheme (its items as given). Refused once published."""
    if not (2000 <= year <= 2100):
        raise AssessmentError("考核年度无效。")
    if not items:
        raise AssessmentError("考核方案至少要有一个考核项目。")
    kinds = [i.kind for i in items]
    if len(kinds) != len(set(kinds)):
        raise AssessmentError("同一扣分情形只能设一个考核项目。")
    for i in items:
        if i.kind not in Kind.values:
            raise AssessmentError("扣分情形无效。")
        if not i.name.strip():
            raise AssessmentError("请填写考核项目名称。")
        if not (Decimal("0.1") <= i.weight <= MAX_POINTS) or not (
            Decimal("0.1") <= i.deduction <= MAX_POINTS
        ):
            raise AssessmentError(f"“{i.name}”的分值和每次扣分须在 0.1 至 100 之间。")
    if sum(i.weight for i in items) > MAX_POINTS:
        raise AssessmentError("各考核项目分值合计不能超过 100 分。")
    with transaction.atomic():
        # race: publication while the office edits; the row lock makes the edit see the published state
        scheme = AssessmentScheme.objects.select_for_update().filter(year=year).first()
        if scheme is None:
            scheme = AssessmentScheme(year=year)
        elif scheme.is_published:
            raise AssessmentError(f"{year}年度考核结果已发布，方案不能再修改。")
        scheme.note = note
        save_with_history(scheme, by)
        current = {item.kind: item for item in scheme.items.all()}
        for kind, item in current.items():
            if kind not in kinds:
                delete_with_history(item, by)
        for order, given in enumerate(items, start=1):
            item = current.get(given.kind) or AssessmentItem(scheme=scheme, kind=given.kind)
            item.name, item.weight, item.deduction, item.order = (
                given.name.strip(),
                given.weight,
                given.deduction,
                order,
            )
            save_with_history(item, by, clean=True)
    return scheme


# --- the facts of a year, per unit ------------------------------------------------------------


def _report_facts(year: int, today: dt.date) -> Facts:
    facts: dict[int, dict[str, list[str]]] = {}
    for report in Report.objects.filter(period__year=year).select_related("period").order_by("period__half"):
        entry = facts.setdefault(report.unit_id, {})
        label = f"{report.period}（截止 {cn_date(report.period.due_date)}）"
        timeliness = report.timeliness(today)
        if timeliness == Report.Timeliness.LATE:
            first = timezone.localdate(report.first_submitted_at)
            days = (first - report.period.due_date).days
            entry.setdefault(Kind.REPORT_LATE, []).append(
                f"{label}：{cn_date(first)} 首次提交，逾期 {days} 天"
            )
        elif timeliness == Report.Timeliness.MISSING:
            entry.setdefault(Kind.REPORT_MISSING, []).append(f"{label}：未报送")
        if report.return_count:
            entry.setdefault(Kind.REPORT_RETURNED, []).append(
                f"{report.period}：被退回 {report.return_count} 次"
            )
    return facts


def _followup_facts(year: int, today: dt.date, facts: Facts) -> None:
    assignments = (
        FollowUpAssignment.objects.released()
        .filter(deadline__year=year)
        .select_related("item")
        .order_by("deadline", "item_id")
    )
    # each unit's own deadline: an approved 延期申请 moves it, so closing by then is on time
    for a in assignments:
        entry = facts.setdefault(a.unit_id, {})
        what = f"“{a.item.title}”（办理时限 {cn_date(a.deadline)}）"
        if a.phase == FollowUpAssignment.Phase.CLOSED:
            if a.completed_on and a.completed_on > a.deadline:
                days = (a.completed_on - a.deadline).days
                entry.setdefault(Kind.FOLLOWUP_CLOSED_LATE, []).append(
                    f"{what}：{cn_date(a.completed_on)} 办结，逾期 {days} 天"
                )
        elif a.deadline < today:
            days = (today - a.deadline).days
            entry.setdefault(Kind.FOLLOWUP_OVERDUE, []).append(f"{what}：逾期 {days} 天未办结")


def _target_facts(year: int, today: dt.date, facts: Facts) -> None:
    """Targets a unit leads that are behind (滞后 / 严重滞后 / 未完成) at the year's end (or today)."""
    on = min(today, dt.date(year, 12, 31))
    plans = Plan.objects.filter(start_date__lte=dt.date(year, 12, 31), end_date__gte=dt.date(year, 1, 1))
    for plan in plans:
        rows = {r["target"].pk: r for r in target_selectors.target_progress_rows(plan=plan, today=on)}
        leads = TargetOwner.objects.filter(
            target__plan=plan, target__active=True, role=TargetOwner.Role.LEAD
        ).select_related("target")
        for owner in leads.order_by("target__order"):
            row = rows.get(owner.target_id)
            if row and row["rag"] in ("amber", "red"):
                facts.setdefault(owner.unit_id, {}).setdefault(Kind.TARGET_BEHIND, []).append(
                    f"{owner.target.code} {owner.target.name}：{row['rag_label']}"
                    f"（实际 {row['actual']:f}，目标 {owner.target.target_value:f}{owner.target.measure_unit}）"
                )


def _pts(value: Decimal) -> str:
    """Points as people write them: 10, 2.5."""
    text = f"{value.quantize(Decimal('0.1')):f}"
    return text[:-2] if text.endswith(".0") else text


def assessment_compute(*, scheme: AssessmentScheme, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Every assessed unit's score under ``scheme``: items with count, deduction, score and evidence;
    ranked with ties (equal scores share a rank). Member units, plus any other unit with facts."""
    today = today or timezone.localdate()
    year = scheme.year
    facts = _report_facts(year, today)
    _followup_facts(year, today, facts)
    _target_facts(year, today, facts)
    items = list(scheme.items.all())
    units = MemberUnit.objects.filter(active=True).filter(Q(is_member=True) | Q(pk__in=list(facts)))
    rows: list[dict[str, Any]] = []
    for unit in units.order_by("order", "id"):
        unit_facts = facts.get(unit.pk, {})
        scored: list[dict[str, Any]] = []
        for item in items:
            evidence = unit_facts.get(item.kind, [])
            deducted = min(item.weight, item.deduction * len(evidence))
            scored.append(
                {
                    "kind": item.kind,
                    "name": item.name,
                    "weight": _pts(item.weight),
                    "deduction": _pts(item.deduction),
                    "count": len(evidence),
                    "deducted": _pts(deducted),
                    "score": _pts(item.weight - deducted),
                    "evidence": evidence,
                }
            )
        total = sum((Decimal(s["score"]) for s in scored), Decimal(0))
        rows.append({"unit": unit, "score": total, "items": scored})
    ranked: list[dict[str, Any]] = []
    for rank, row in rank_with_ties(rows, key=lambda r: -r["score"]):
        row["rank"] = rank
        ranked.append(row)
    return ranked


def scheme_results(*, scheme: AssessmentScheme) -> list[dict[str, Any]]:
    """The published, frozen results in the same shape as ``assessment_compute``."""
    return [
        {"unit": r.unit, "score": r.score, "rank": r.rank, "items": r.items}
        for r in scheme.results.select_related("unit").order_by("rank", "unit__order", "unit_id")
    ]


def scheme_publish(*, scheme: AssessmentScheme, by: User, today: dt.date | None = None) -> int:
    """Freeze the scores as computed now and tell each unit's users; returns the number of units.

    Only an approver publishes; a second publication (double click, two approvers) is refused.
    """
    if by is None or not is_approver(by):
        raise AssessmentError("只有办公室主任或副主任可以发布考核结果。")
    with transaction.atomic():
        # race: two approvers publishing at once; the conditional update lets exactly one through
        claimed = AssessmentScheme.objects.filter(pk=scheme.pk, status=AssessmentScheme.Status.DRAFT).update(
            status=AssessmentScheme.Status.PUBLISHED, published_at=timezone.now(), published_by=by
        )
        if claimed != 1:
            raise AssessmentError(f"{scheme.year}年度考核结果已发布。")
        scheme.refresh_from_db()
        if not scheme.items.exists():
            raise AssessmentError("考核方案没有考核项目，不能发布。")
        rows = assessment_compute(scheme=scheme, today=today)
        AssessmentResult.objects.bulk_create(
            AssessmentResult(
                scheme=scheme, unit=row["unit"], score=row["score"], rank=row["rank"], items=row["items"]
            )
            for row in rows
        )
        User = get_user_model()
        url = reverse("assessment:mine")
        for row in rows:
            users = User.objects.filter(is_active=True, role=User.Role.UNIT, member_unit=row["unit"])
            notify(
                occasion=f"assessment:{scheme.year}:published:{row['unit'].pk}",
                recipients=list(users),
                subject=f"{scheme.year}年度督查考核结果已发布",
                body=f"{row['unit'].name}{scheme.year}年度督查考核得分 {row['score']} 分，第 {row['rank']} 名。扣分依据请登录平台查看。",
                url=url,
            )
    return len(rows)
