"""The computed status of a follow-up assignment (督办事项状态) and its three-colour marking.

Rules, first match wins (the same rules in Python and in SQL: ``_rules`` feeds ``status_annotations``
and ``status_rank_sql``):

1. the office has closed it (销号)                  → 已办结 (done)
2. its deadline has passed                          → 逾期 (red)
3. the unit has not signed for it yet               → 未签收
4. its deadline is within ``DUE_SOON_DAYS`` days     → 临期 (amber)
5. otherwise                                        → 正常 (green)

An overdue item is shown as 逾期 even when it was never signed: being late is what matters most.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Case, Value, When
from django.utils.safestring import mark_safe

DUE_SOON_DAYS = 7  # 临期: the deadline is at most this many days away


class FollowUpPhase(models.TextChoices):
    """Where one unit's assignment stands (``FollowUpAssignment.Phase``): the input of the status."""

    ASSIGNED = "assigned", "待签收"
    SIGNED = "signed", "办理中"
    REQUESTED = "requested", "申请销号"
    REFUSED = "refused", "已拒签退回"
    CLOSED = "closed", "已销号"


class FollowUpStatus(models.TextChoices):
    OVERDUE = "overdue", "逾期"
    DUE_SOON = "due_soon", "临期"
    UNSIGNED = "unsigned", "未签收"
    NORMAL = "normal", "正常"
    DONE = "done", "已办结"

    @property
    def colour(self) -> str:
        return COLOURS[self]

    @property
    def rank(self) -> int:
        return RANKS[self]

    @property
    def badge(self) -> str:
        """The badge the lists show (the markup of ``meetings/_status.html``), built once per status."""
        return BADGES[self]


COLOURS = {
    FollowUpStatus.OVERDUE: "red",
    FollowUpStatus.DUE_SOON: "amber",
    FollowUpStatus.UNSIGNED: "blue",
    FollowUpStatus.NORMAL: "green",
    FollowUpStatus.DONE: "gray",
}
# list order: overdue first, done last
RANKS = {status: rank for rank, status in enumerate(FollowUpStatus)}
BADGES = {
    status: mark_safe(  # noqa: S308 (constants only)
        f'<span class="badge badge-{colour}">'
        + (f'<span class="dot dot-{colour}"></span> ' if colour in ("red", "amber", "green") else "")
        + f"{status.label}</span>"
    )
    for status, colour in COLOURS.items()
}


def followup_status(*, phase: str, deadline: dt.date, today: dt.date) -> FollowUpStatus:
    if phase == FollowUpPhase.CLOSED:
        return FollowUpStatus.DONE
    if deadline < today:
        return FollowUpStatus.OVERDUE
    if phase == FollowUpPhase.ASSIGNED:
        return FollowUpStatus.UNSIGNED
    if deadline <= today + dt.timedelta(days=DUE_SOON_DAYS):
        return FollowUpStatus.DUE_SOON
    return FollowUpStatus.NORMAL


def status_counts(groups: Iterable[tuple[str, int, int, int]]) -> dict[str, int]:
    """Assignments per status from counts per phase — (phase, all, deadline before today, deadline
    within ``DUE_SOON_DAYS``, overdue included) — by the rules above; every status is a key."""
    out = dict.fromkeys(FollowUpStatus.values, 0)
    for phase, n, overdue, soon in groups:
        if phase == FollowUpPhase.CLOSED:
            out[FollowUpStatus.DONE] += n
            continue
        out[FollowUpStatus.OVERDUE] += overdue
        if phase == FollowUpPhase.ASSIGNED:
            out[FollowUpStatus.UNSIGNED] += n - overdue
        else:
            out[FollowUpStatus.DUE_SOON] += soon - overdue
            out[FollowUpStatus.NORMAL] += n - soon
    return out


_LOOKUPS = {"=": "", "<": "__lt", "<=": "__lte"}


def _rules(today: dt.date) -> list[tuple[str, str, object, FollowUpStatus]]:
    """The rules of the module docstring as data, first match wins: (field, operator, value, status);
    read by both SQL forms below, so they cannot drift apart."""
    return [
        ("phase", "=", FollowUpPhase.CLOSED, FollowUpStatus.DONE),
        ("deadline", "<", today, FollowUpStatus.OVERDUE),
        ("phase", "=", FollowUpPhase.ASSIGNED, FollowUpStatus.UNSIGNED),
        ("deadline", "<=", today + dt.timedelta(days=DUE_SOON_DAYS), FollowUpStatus.DUE_SOON),
    ]


def status_rank_sql(today: dt.date, columns: dict[str, str]) -> tuple[str, list[Any]]:
    """``status_rank`` as an SQL ``CASE`` over ``columns`` (``phase`` and ``deadline``: quoted column
    references) and its parameters, for a statement written out in SQL."""
    from django.db import connection

    whens: list[str] = []
    params: list[Any] = []
    for field, operator, value, status in _rules(today):
        whens.append(f"WHEN {columns[field]} {operator} %s THEN {status.rank:d}")
        params.append(connection.ops.adapt_datefield_value(value) if isinstance(value, dt.date) else value)
    return f"CASE {' '.join(whens)} ELSE {FollowUpStatus.NORMAL.rank:d} END", params


def status_annotations(today: dt.date) -> dict:
    """``computed_status`` and ``status_rank`` annotations for a FollowUpAssignment queryset."""
    rules = [({f"{field}{_LOOKUPS[op]}": value}, status) for field, op, value, status in _rules(today)]
    status = Case(
        *[When(**cond, then=Value(s.value)) for cond, s in rules],
        default=Value(FollowUpStatus.NORMAL.value),
        output_field=models.CharField(),
    )
    rank = Case(
        *[When(**cond, then=Value(s.rank)) for cond, s in rules],
        default=Value(FollowUpStatus.NORMAL.rank),
        output_field=models.IntegerField(),
    )
    return {"computed_status": status, "status_rank": rank}


def urge_round(days_overdue: int, interval: int) -> int:
    """Which 催办 is due after ``days_overdue`` days: 1 on the first overdue day, then one more
    every ``interval`` days (0 while not overdue)."""
    if days_overdue < 1:
        return 0
    return (days_overdue - 1) // max(interval, 1) + 1
