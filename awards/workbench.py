"""Reward applications on the role home: what each person has to do next (bounded queries)."""

from typing import Any

from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_approver, is_enterprise_user, is_office

from . import selectors
from .models import Application, DuplicateFinding, Enterprise, MoneyChange, Objection, PublicityBatch

Status = Application.Status


def panels(user: User) -> list[dict[str, Any]]:
    if is_enterprise_user(user):
        return [_enterprise_panel(user)]
    if is_office(user):
        return [_office_panel(user)]
    return []


def _enterprise_panel(user: User) -> dict[str, Any]:
    enterprise = user.enterprise
    recent = list(
        Application.objects.filter(enterprise=enterprise)
        .select_related("reward_item")
        .order_by("-updated_at")[:6]
    )
    returned = Application.objects.filter(enterprise=enterprise, status=Status.RETURNED).count()
    return {
        "template": "awards/panels/enterprise.html",
        "order": 10,
        "enterprise": enterprise,
        "recent": recent,
        "returned": returned,
    }


def _office_panel(user: User) -> dict[str, Any]:
    counts = selectors.status_counts()
    waiting_second = 0
    if is_approver(user):
        waiting_second = (
            Application.objects.filter(status=Status.FIRST_PASSED).exclude(first_reviewed_by=user).count()
        )
    today = timezone.localdate()
    return {
        "template": "awards/panels/office.html",
        "order": 20,
        "counts": counts,
        "is_approver": is_approver(user),
        "waiting_second": waiting_second,
        "unverified": Enterprise.objects.filter(verified_at__isnull=True).count(),
        "open_objections": Objection.objects.filter(outcome=Objection.Outcome.OPEN).count(),
        "closing": PublicityBatch.objects.filter(end_date=today).count(),
        # maker-checker: what waits for a second person (approvers confirm others' changes)
        "pending_changes": MoneyChange.objects.filter(state=MoneyChange.State.PENDING)
        .exclude(made_by=user)
        .count()
        if is_approver(user)
        else 0,
        "open_findings": DuplicateFinding.objects.filter(ruling=DuplicateFinding.Ruling.PENDING).count(),
    }
