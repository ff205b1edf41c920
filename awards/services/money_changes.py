"""Confirming or refusing a pending change of money data: an approver who is not its maker."""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.errors import ServiceError

from ..models import MoneyChange
from ._workflow import require_approver
from .budget import budget_apply
from .funding import funding_reply_apply, over_budget_apply, over_budget_refused
from .legacy import legacy_apply, legacy_correction_apply
from .office_settings import reward_item_apply
from .payment import payment_apply, payment_refused

Kind = MoneyChange.Kind
APPLY: dict[str, Callable[..., Any]] = {
    Kind.PAYMENT: payment_apply,
    Kind.REWARD_ITEM: reward_item_apply,
    Kind.LEGACY_ENTRY: legacy_apply,
    Kind.LEGACY_IMPORT: legacy_apply,
    Kind.LEGACY_CORRECTION: legacy_correction_apply,
    Kind.BUDGET: budget_apply,
    Kind.FUNDING_REPLY: funding_reply_apply,
    Kind.OVER_BUDGET: over_budget_apply,
}
# what a refusal undoes besides the change itself (the others just never take effect)
ON_REFUSE: dict[str, Callable[..., None]] = {
    Kind.PAYMENT: payment_refused,
    Kind.OVER_BUDGET: over_budget_refused,
}


def _decide(change: MoneyChange, by: User, verb: str) -> MoneyChange:
    require_approver(by)
    change = (
        MoneyChange.objects.select_for_update(of=("self",))
        .select_related("made_by", "application")
        .get(pk=change.pk)
    )
    if not change.is_pending:
        raise ServiceError(f"该项变更已{change.get_state_display()}，不能再{verb}。", code="decided")
    if change.made_by_id == by.pk:
        # maker-checker (docs/design.md): the database check constraint holds it too
        raise ServiceError(f"不能{verb}自己登记的资金变更：请由另一位办公室负责人审核。", code="own_change")
    return change


def money_change_confirm(*, change: MoneyChange, by: User, comment: str = "") -> MoneyChange:
    """The second person confirms: the change takes effect, with both names kept."""
    with transaction.atomic():
        # race: two approvers confirming at once; the row lock lets the first one act
        change = _decide(change, by, "确认")
        result = APPLY[change.kind](change, by=by)
        if change.kind in (Kind.LEGACY_ENTRY, Kind.LEGACY_IMPORT):
            change.payload = {**change.payload, "created_ids": [a.pk for a in result]}
            if len(result) == 1:
                change.application = result[0]
        change.state = MoneyChange.State.CONFIRMED
        change.checked_by = by
        change.checked_at = timezone.now()
        change.check_comment = (comment or "").strip()[:1000]
        change.save()
    return change


def money_change_refuse(*, change: MoneyChange, by: User, comment: str) -> MoneyChange:
    """The second person refuses, with a reason: nothing the change describes takes effect."""
    comment = (comment or "").strip()
    if not comment:
        raise ServiceError("退回时请写明理由。", code="comment_required")
    with transaction.atomic():
        change = _decide(change, by, "退回")
        change.state = MoneyChange.State.REFUSED
        change.checked_by = by
        change.checked_at = timezone.now()
        change.check_comment = comment[:1000]
        change.save()
        if change.kind in ON_REFUSE:
            ON_REFUSE[change.kind](change, by=by)
    return change
