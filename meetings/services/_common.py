"""Helpers shared by the meetings services."""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_office
from accounts.selectors import office_users
from committee.selectors import unit_users
from core.errors import ServiceError
from notifications.services import notify

from ..models import Invitation, Meeting


def today() -> dt.date:
    return timezone.localdate()


def ensure_office(by: User) -> None:
    if not is_office(by):
        raise PermissionDenied("只有委员会办公室工作人员可以执行此操作。")


def ensure_unit_user_of(by: User | None, unit_id: int | None) -> None:
    if by is None or by.role != User.Role.UNIT or by.member_unit_id != unit_id:
        raise PermissionDenied("只有本单位的用户可以执行此操作。")


def require_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(f"{what}须填写理由。", code="reason_required")
    return reason


def notify_units(*, occasion: str, unit_ids: Iterable[int], subject: str, body: str, url: str = "") -> None:
    notify(occasion=occasion, recipients=unit_users(unit_ids), subject=subject, body=body, url=url)


def notify_office(*, occasion: str, subject: str, body: str, url: str = "") -> None:
    notify(occasion=occasion, recipients=office_users(), subject=subject, body=body, url=url)


def invited_unit_ids(meeting: Meeting) -> QuerySet[Invitation, int]:
    """Units invited to ``meeting`` (members and invited non-member units with accounts)."""
    return meeting.invitations.filter(unit__isnull=False).values_list("unit_id", flat=True)
