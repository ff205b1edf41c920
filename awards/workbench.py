"""Reward applications on the role home: what each person has to do next (bounded queries)."""

from typing import Any

from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_approver, is_enterprise_user, is_office

from . import selectors
from .models import Application

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
    queue = selectors.office_queue(user.pk, timezone.localdate())
    approver = is_approver(user)
    return {
        "template": "awards/panels/office.html",
        "order": 20,
        "counts": {status: queue[status] for status in selectors.WORK_IN_PROGRESS},
        "is_approver": approver,
        "waiting_second": queue["waiting_second"] if approver else 0,
        "unverified": queue["unverified"],
        "open_objections": queue["open_objections"],
        "closing": queue["closing"],
        # maker-checker: what waits for a second person (approvers confirm others' changes)
        "pending_changes": queue["pending_changes"] if approver else 0,
        "open_findings": queue["open_findings"],
    }
