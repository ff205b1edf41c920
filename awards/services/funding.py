"""报请 batches: applications 待拨付 of one funding source are requested together (请示), the reply
(批复: 文号, 日期, amount approved or refusal per application) is recorded by office staff and takes
effect once another approver confirms it (the same MoneyChange maker-checker as payments).

Payment (``payment_record``) is possible only for an application the confirmed reply approved; a
refused application ends 未通过 with the reply's reason, and the enterprise is told.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, TypedDict

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from core.dates import cn_date
from core.errors import ServiceError
from core.policy import policy_document

from .. import selectors
from ..models import (
    Application,
    FundBudget,
    FundingPath,
    FundingRequest,
    FundingRequestItem,
    FundingSource,
    MoneyChange,
)
from ._changes import change_propose
from ._workflow import Action, Status, lock, record, refuse_state, require_office, wan
from .payment import amount_errors

Item = FundingRequestItem
State = FundingRequest.State


class ReplyEntry(TypedDict):
    """One application's line of a recorded reply (the payload of a FUNDING_REPLY change)."""

    item_id: int
    approved: bool
    amount_yuan: int | None
    reason: str


class ProgressStep(TypedDict):
    """One step of ``funding_progress``."""

    label: str
    date: dt.date | None
    text: str


def _recipient(source: str) -> str:
    """主送: the actor of the first step of the path that sends a document back (the approver)."""
    path = FundingPath.objects.filter(source__code=source).first()
    step = path.steps.exclude(receives="").order_by("order").first() if path else None
    if step:
        return step.actor.split("、")[0]
    # no step that receives a reply: the payer of the path, else the government issuing the policy
    return path.payer if path else policy_document().issuer


def committed_in_year(*, year: int, source: str) -> int:
    """What the fund of ``year`` and ``source`` already carries (``selectors.budget_use``)."""
    use = selectors.budget_use(years=[year]).get((year, source), {"committed": 0, "paid": 0})
    return use["committed"] + use["paid"]


def budget_check(*, year: int, source: str, total: int) -> str:
    """A warning (Chinese) when a batch of ``total`` would exceed what is left of the year's budget."""
    budget = FundBudget.objects.filter(year=year, source__code=source).first()
    if budget is None:
        return ""
    remaining = budget.amount_yuan - committed_in_year(year=year, source=source)
    if total <= remaining:
        return ""
    return (
        f"本批报请金额 {total:,} 元超过 {year} 年{budget.source.name}剩余预算 "
        f"{max(remaining, 0):,} 元（预算 {budget.amount_yuan:,} 元），须由办公室负责人确认后才能报请。"
    )


def _announce(request: FundingRequest, actor: User) -> None:
    for item in request.items.select_related("application__enterprise", "application__reward_item"):
        record(
            item.application,
            action=Action.FUNDING_REQUEST,
            from_status=item.application.status,
            actor=actor,
            comment=f"已列入《{request.title}》，于 {cn_date(request.requested_on)} 报请"
            f"{request.recipient}审批，报请金额 {item.requested_amount_yuan:,} 元。",
        )


def funding_request_create(
    *,
    applications: Iterable[Application],
    by: User,
    requested_on: dt.date | None = None,
    today: dt.date | None = None,
) -> FundingRequest:
    """Group applications 待拨付 of one funding source into a 报请 batch.

    A batch over the remaining budget of its year is stored 超出预算，待负责人确认 with a pending
    change for an approver; otherwise it is 报请中 at once and the enterprises are told."""
    require_office(by)
    today = today or timezone.localdate()
    requested_on = requested_on or today
    ids = sorted({a.pk for a in applications})
    if not ids:
        raise ServiceError("请至少选择一份待拨付的申报。", code="empty")
    if requested_on > today:
        raise ServiceError("报请日期不能晚于今天。", code="future")
    with transaction.atomic():
        # race: two colleagues batching the same applications; the row locks serialise them and the
        # named unique constraint (one live membership per application) holds it in the database
        rows = list(
            Application.objects.select_for_update(of=("self",))
            .select_related("enterprise", "reward_item")
            .filter(pk__in=ids)
            .order_by("pk")
        )
        if len(rows) != len(ids):
            raise ServiceError("所选申报不存在。", code="missing")
        sources = {a.funding_source_id for a in rows}
        if len(sources) > 1:
            names = dict(FundingSource.as_choices())
            labels = "、".join(sorted(names[s] for s in sources if s))
            raise ServiceError(
                f"一个报请批次只能包含同一资金来源的申报，所选申报涉及：{labels}。请按资金来源分批报请。",
                code="mixed_sources",
            )
        wrong = [a for a in rows if a.status != Status.AWAITING_PAYMENT or a.is_legacy]
        if wrong:
            raise ServiceError(
                "只有公示期满、待拨付的申报才能报请："
                + "、".join(f"{a.code}（{a.get_status_display()}）" for a in wrong),
                code="not_awaiting",
            )
        taken = Item.objects.filter(application_id__in=ids, live=True).select_related(
            "request", "application"
        )
        if taken:
            raise ServiceError(
                "以下申报已在报请批次中，不能重复报请："
                + "、".join(f"{i.application.code}（{i.request.title}）" for i in taken),
                code="already_requested",
            )
        source = sources.pop()
        if source is None:
            raise ServiceError("所选申报尚未确定资金来源，不能报请。", code="no_source")
        total = sum(a.amount_yuan for a in rows)
        year = requested_on.year
        warning = budget_check(year=year, source=source, total=total)
        number = (FundingRequest.objects.filter(year=year).aggregate(m=Max("number"))["m"] or 0) + 1
        label = FundingSource.objects.get(code=source).name
        try:
            with transaction.atomic():
                request = FundingRequest.objects.create(
                    year=year,
                    number=number,
                    funding_source_id=source,
                    title=f"关于{year}年度第{number}批质量品牌奖励资金的请示（{label}）",
                    recipient=_recipient(source),
                    requested_on=requested_on,
                    state=State.OVER_BUDGET if warning else State.REQUESTED,
                    total_yuan=total,
                    created_by=by,
                    budget_note=warning[:300],
                )
        except IntegrityError as exc:
            # race: two batches of other applications numbered at the same moment
            raise ServiceError(
                "另一位同事刚刚建立了同一年度的报请批次，请重新提交。", code="number_taken"
            ) from exc
        try:
            with transaction.atomic():
                Item.objects.bulk_create(
                    [Item(request=request, application=a, requested_amount_yuan=a.amount_yuan) for a in rows]
                )
        except IntegrityError as exc:
            raise ServiceError(
                "所选申报已在其他报请批次中，不能重复报请。", code="already_requested"
            ) from exc
        if warning:
            change_propose(
                kind=MoneyChange.Kind.OVER_BUDGET,
                by=by,
                summary=f"《{request.title}》共 {len(rows)} 项、{wan(total)}（{total:,} 元）。{warning}",
                payload={"request_id": request.pk},
            )
        else:
            _announce(request, by)
    return request


def over_budget_apply(change: MoneyChange, *, by: User) -> FundingRequest:
    """An approver accepts a batch over the remaining budget: it is 报请中 from now on."""
    request = FundingRequest.objects.select_for_update().get(pk=change.payload["request_id"])
    if request.state != State.OVER_BUDGET:
        raise ServiceError(f"该报请批次当前为“{request.get_state_display()}”，不能确认。", code="state")
    request.state = State.REQUESTED
    request.budget_confirmed_by = by
    request.save(update_fields=["state", "budget_confirmed_by"])
    _announce(request, by)
    return request


def over_budget_refused(change: MoneyChange, *, by: User) -> None:
    """An approver refuses a batch over budget: it is cancelled and its applications are free again."""
    request = FundingRequest.objects.select_for_update().get(pk=change.payload["request_id"])
    request.state = State.CANCELLED
    request.save(update_fields=["state"])
    request.items.update(live=False)


def _pending_reply(request: FundingRequest) -> MoneyChange | None:
    return MoneyChange.objects.filter(
        kind=MoneyChange.Kind.FUNDING_REPLY, state=MoneyChange.State.PENDING, payload__request_id=request.pk
    ).first()


def funding_reply_record(
    *,
    request: FundingRequest,
    by: User,
    reply_number: str,
    reply_date: dt.date | None,
    decisions: Mapping[Any, Mapping[str, Any]],
    today: dt.date | None = None,
) -> MoneyChange:
    """Record the reply to a batch: ``decisions`` maps each application id to
    ``{"approved": bool, "amount_yuan": int | None, "reason": str}``. Pending until an approver
    other than the recorder confirms it; nothing changes before."""
    require_office(by)
    today = today or timezone.localdate()
    with transaction.atomic():
        request = FundingRequest.objects.select_for_update().get(pk=request.pk)
        if request.state != State.REQUESTED:
            raise ServiceError(
                f"该报请批次当前为“{request.get_state_display()}”，不能登记批复。", code="state"
            )
        if _pending_reply(request):
            raise ServiceError("该批次已有一份批复登记在等待审核人确认，不能重复登记。", code="pending")
        errors = []
        reply_number = (reply_number or "").strip()
        if not reply_number:
            errors.append("请填写批复文号。")
        if reply_date is None:
            errors.append("请填写批复日期。")
        elif reply_date > today:
            errors.append("批复日期不能晚于今天。")
        elif reply_date < request.requested_on:
            errors.append("批复日期不能早于报请日期。")
        entries: list[ReplyEntry] = []
        items = list(request.items.filter(live=True).select_related("application"))
        for item in items:
            code = item.application.code
            d = decisions.get(item.application_id) or decisions.get(str(item.application_id))
            if d is None:
                errors.append(f"{code}：请登记批复结果（同意或不予奖励）。")
                continue
            reason = (d.get("reason") or "").strip()[:300]
            if not d.get("approved"):
                if not reason:
                    errors.append(f"{code}：不予奖励的，请写明批复中的理由。")
                entries.append({"item_id": item.pk, "approved": False, "amount_yuan": None, "reason": reason})
                continue
            amount = d.get("amount_yuan")
            amount_problem = amount_errors(amount, f"{code} 的批复核定金额")
            errors += amount_problem
            if (
                isinstance(amount, int)
                and not amount_problem
                and amount > item.requested_amount_yuan
                and not reason
            ):
                errors.append(
                    f"{code}：批复核定金额（{amount:,} 元）高于报请金额（{item.requested_amount_yuan:,} 元），"
                    "请写明原因（如批复文件的核定依据）。"
                )
            entries.append({"item_id": item.pk, "approved": True, "amount_yuan": amount, "reason": reason})
        if errors:
            raise ServiceError(errors, code="bad_reply")
        assert reply_date is not None  # else an error above
        approved = [e for e in entries if e["approved"]]
        summary = (
            f"《{request.title}》批复：{reply_number}（{cn_date(reply_date)}），同意 {len(approved)} 项、"
            f"核定 {sum(e['amount_yuan'] or 0 for e in approved):,} 元，不予奖励 {len(entries) - len(approved)} 项。"
        )
        return change_propose(
            kind=MoneyChange.Kind.FUNDING_REPLY,
            by=by,
            summary=summary,
            payload={
                "request_id": request.pk,
                "reply_number": reply_number[:100],
                "reply_date": reply_date.isoformat(),
                "entries": entries,
            },
        )


def funding_reply_apply(change: MoneyChange, *, by: User) -> FundingRequest:
    """The confirmed reply takes effect: approved applications may be paid, refused ones end 未通过."""
    data = change.payload
    request = FundingRequest.objects.select_for_update().get(pk=data["request_id"])
    if request.state != State.REQUESTED:
        raise ServiceError(f"该报请批次当前为“{request.get_state_display()}”，不能确认批复。", code="state")
    reply_date = dt.date.fromisoformat(data["reply_date"])
    request.state = State.REPLIED
    request.reply_number = data["reply_number"]
    request.reply_date = reply_date
    request.reply_recorded_by = change.made_by
    request.reply_confirmed_by = by
    request.save()
    now = timezone.now()
    for entry in data["entries"]:
        item = Item.objects.get(pk=entry["item_id"], request=request)
        application = lock(item.application)
        if application.status != Status.AWAITING_PAYMENT:
            raise refuse_state(application, "确认批复")
        approved = entry["approved"]
        cited = f"依据 {request.reply_number}（{cn_date(reply_date)}）"
        item.reason = entry["reason"]
        item.decision = Item.Decision.APPROVED if approved else Item.Decision.REFUSED
        item.approved_amount_yuan = entry["amount_yuan"] if approved else None
        item.save()
        application.approval_number, application.approval_date = request.reply_number, reply_date
        application.approved_amount_yuan = item.approved_amount_yuan
        if approved:
            comment = f"{cited}，核定奖励 {entry['amount_yuan']:,} 元，待拨付。" + (
                f"说明：{entry['reason']}" if entry["reason"] else ""
            )
        else:
            application.status = Status.REJECTED
            comment = f"{cited}，不予奖励。理由：{entry['reason']}"
        application.updated_at = now
        application.save()
        record(
            application,
            action=Action.FUNDING_APPROVED if approved else Action.FUNDING_REFUSED,
            from_status=Status.AWAITING_PAYMENT,
            actor=by,
            comment=comment,
        )
    return request


def funding_progress(application: Application) -> list[ProgressStep]:
    """报请中 / 已批复 / 已拨付 with their dates, as the enterprise sees them (empty before 报请)."""
    item = (
        application.funding_items.filter(live=True)
        .select_related("request")
        .exclude(request__state=State.OVER_BUDGET)
        .first()
    )
    if item is None:
        return []
    request = item.request
    steps: list[ProgressStep] = [
        {"label": "报请中", "date": request.requested_on, "text": f"报请{request.recipient}"}
    ]
    if request.state == State.REPLIED:
        if item.decision == Item.Decision.APPROVED:
            text = f"{request.reply_number}，核定 {item.approved_amount_yuan:,} 元"
            steps.append({"label": "已批复", "date": request.reply_date, "text": text})
        else:
            text = f"{request.reply_number}，不予奖励：{item.reason}"
            steps.append({"label": "不予奖励", "date": request.reply_date, "text": text})
    if application.status == Status.PAID:
        steps.append(
            {"label": "已拨付", "date": application.paid_on, "text": f"{application.paid_amount_yuan:,} 元"}
        )
    return steps
