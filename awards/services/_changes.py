"""Proposing a change of money data: stored as pending until another approver confirms it."""

from typing import Any

from django.db import IntegrityError, transaction

from accounts.models import User
from core.errors import ServiceError

from ..models import Application, MoneyChange, RewardItem

Kind = MoneyChange.Kind


def change_propose(
    *,
    kind: str,
    by: User,
    summary: str,
    payload: dict[str, Any],
    reason: str = "",
    application: Application | None = None,
    reward_item: RewardItem | None = None,
) -> MoneyChange:
    """Store a pending change (maker-checker); nothing it describes takes effect yet."""
    try:
        with transaction.atomic():  # savepoint: the caller's transaction stays usable
            return MoneyChange.objects.create(
                kind=kind,
                made_by=by,
                summary=summary,
                payload=payload,
                reason=reason,
                application=application,
                reward_item=reward_item,
            )
    except IntegrityError as exc:
        # race: two people proposing at once; the partial unique constraints let one through
        if "awards_moneychange_one_pending" in str(exc) or "UNIQUE" in str(exc).upper():
            raise ServiceError(
                "已有一项同类变更在等待审核人确认，请先确认或退回该项，再登记新的变更。",
                code="pending_exists",
            ) from exc
        raise


def pending_change(
    *, application: Application | None = None, reward_item: RewardItem | None = None
) -> MoneyChange | None:
    qs = MoneyChange.objects.filter(state=MoneyChange.State.PENDING)
    if application is not None:
        qs = qs.filter(application=application)
    if reward_item is not None:
        qs = qs.filter(reward_item=reward_item, kind=Kind.REWARD_ITEM)
    return qs.select_related("made_by").first()
