"""Reads of meetings and follow-up items that other parts of the platform rely on."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from .models import FollowUpAssignment, FollowUpItem, Meeting
from .status import FollowUpStatus


def previous_meeting(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(Q(year__lt=meeting.year) | Q(year=meeting.year, half__lt=meeting.half))
        .order_by("-year", "-half")
        .first()
    )


def next_meeting(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(Q(year__gt=meeting.year) | Q(year=meeting.year, half__gt=meeting.half))
        .order_by("year", "half")
        .first()
    )


def _earlier_than(meeting: Meeting) -> Q:
    return Q(item__agenda_item__meeting__year__lt=meeting.year) | Q(
        item__agenda_item__meeting__year=meeting.year, item__agenda_item__meeting__half__lt=meeting.half
    )


def _status_dict(status: FollowUpStatus) -> dict:
    return {"status": status.value, "status_label": status.label, "colour": status.colour}


def _group_by_item(assignments, today: dt.date) -> list[dict]:
    """One entry per item with each unit's status. The item's own status is its lead unit's:
    the 牵头单位 answers for the decision as a whole; co-operating units are listed beside it."""
    items: dict[int, dict] = {}
    for a in assignments:
        status = a.status_on(today)
        entry = items.setdefault(
            a.item_id,
            {
                "id": a.item_id,
                "title": a.item.title,
                "meeting": a.item.agenda_item.meeting.title,
                "deadline": a.deadline.isoformat(),
                "units": [],
                "_status": status,
            },
        )
        entry["units"].append({"unit": a.unit.name, "role": a.get_role_display(), **_status_dict(status)})
        if a.role == FollowUpAssignment.Role.LEAD:
            entry["_status"] = status
    out = []
    for entry in items.values():
        entry.update(_status_dict(entry.pop("_status")))
        out.append(entry)
    return out


def previous_decisions_status(meeting: Meeting, *, today: dt.date | None = None) -> dict:
    """第二条(六): how the previous meeting's decisions stand, from the follow-up records.

    Plain data (JSON-able), so the same structure is shown live before the meeting and frozen in
    the agenda item when the meeting is held. Items of older meetings still open are listed too.
    """
    today = today or timezone.localdate()
    previous = previous_meeting(meeting)
    result = {
        "as_of": today.isoformat(),
        "previous": {"id": previous.pk, "title": previous.title} if previous else None,
        "items": [],
        "earlier_open": [],
        "counts": {"total": 0, "done": 0, "open": 0, "overdue": 0},
    }
    if previous is None:
        return result
    assignments = (
        FollowUpAssignment.objects.released()
        .filter(item__source=FollowUpItem.Source.MEETING)
        .filter(Q(item__agenda_item__meeting=previous) | (_earlier_than(previous) & ~Q(phase="closed")))
        .select_related("item__agenda_item__meeting", "unit")
        .order_by("item__agenda_item__order", "item__order", "item_id", "role", "unit__order")
    )
    current, earlier = [], []
    for a in assignments:
        (current if a.item.agenda_item.meeting_id == previous.pk else earlier).append(a)
    result["items"] = _group_by_item(current, today)
    result["earlier_open"] = _group_by_item(earlier, today)
    counts = result["counts"]
    for entry in result["items"]:
        counts["total"] += 1
        if entry["status"] == FollowUpStatus.DONE:
            counts["done"] += 1
        else:
            counts["open"] += 1
        if entry["status"] == FollowUpStatus.OVERDUE:
            counts["overdue"] += 1
    return result


def unit_ids_with_open_followups() -> set[int]:
    """Units with at least one released follow-up assignment not yet closed (销号)."""
    return set(FollowUpAssignment.objects.released().open().values_list("unit_id", flat=True).distinct())


def _closure_counts(assignments, today: dt.date) -> dict:
    counts = {"total": 0, "closed_on_time": 0, "closed_late": 0, "open": 0, "overdue": 0}
    for a in assignments:
        counts["total"] += 1
        if a.phase == FollowUpAssignment.Phase.CLOSED:
            counts["closed_on_time" if a.completed_on <= a.deadline else "closed_late"] += 1
        else:
            counts["open"] += 1
            if a.deadline < today:
                counts["overdue"] += 1
    return counts


def followup_closure_summary(*, start: dt.date, end: dt.date) -> dict:
    """Closure of the follow-up assignments due in [start, end], in total and per unit.

    Returns ``{"start", "end", "totals": counts, "units": [{"unit_id", "unit", **counts}, …]}`` where
    counts are ``total``, ``closed_on_time`` (the accepted closure request was made by the
    deadline), ``closed_late``, ``open`` (not closed today) and ``overdue`` (open and past due).
    Units are in roster order; only units with assignments due in the window appear.
    """
    today = timezone.localdate()
    rows = list(
        FollowUpAssignment.objects.released()
        .filter(deadline__range=(start, end))
        .select_related("unit")
        .order_by("unit__order", "unit_id")
        .only("phase", "completed_on", "unit_id", "unit__name", "unit__order", "deadline")
    )
    per_unit: dict[int, list] = defaultdict(list)
    names = {}
    for a in rows:
        per_unit[a.unit_id].append(a)
        names[a.unit_id] = a.unit.name
    return {
        "start": start,
        "end": end,
        "totals": _closure_counts(rows, today),
        "units": [
            {"unit_id": uid, "unit": names[uid], **_closure_counts(items, today)}
            for uid, items in per_unit.items()
        ],
    }


def agenda_items(meeting: Meeting) -> list:
    """The ordered agenda with each item's kind, source topic and the topics merged into it."""
    from django.db.models import Prefetch

    from .models import AgendaItem, Topic

    return list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("business_kind", "topic__unit")
        .prefetch_related(Prefetch("topic__merged", queryset=Topic.objects.select_related("unit")))
        .order_by("order", "id")
    )


def first_item_status(meeting: Meeting, items: list) -> dict | None:
    """The generated first item's content: frozen once the meeting is held, live before."""
    generated = next((i for i in items if i.is_generated), None)
    if generated is None:
        return None
    if generated.generated_snapshot is not None:
        return generated.generated_snapshot
    return previous_decisions_status(meeting)


@dataclass(frozen=True)
class Decision:
    """A decision of the minutes (a follow-up item of an agenda item) as the minutes show it."""

    pk: int
    title: str
    content: str
    deadline: dt.date
    lead_names: str
    support_names: str


def meeting_decisions(meeting: Meeting) -> dict[int, list[Decision]]:
    """Decisions per agenda item id, in their order, with their lead and supporting units (2 queries,
    no models)."""
    units: dict[tuple[int, str], list[str]] = defaultdict(list)
    for item_id, role, name in (
        FollowUpAssignment.objects.filter(item__agenda_item__meeting=meeting)
        .order_by("role", "unit__order", "id")
        .values_list("item_id", "role", "unit__name")
    ):
        units[item_id, role].append(name)
    out: dict[int, list[Decision]] = defaultdict(list)
    for row in (
        FollowUpItem.objects.filter(agenda_item__meeting=meeting)
        .order_by("order", "id")
        .values("pk", "agenda_item_id", "title", "content", "deadline")
    ):
        out[row.pop("agenda_item_id")].append(
            Decision(
                **row,
                lead_names="、".join(units[row["pk"], FollowUpAssignment.Role.LEAD]),
                support_names="、".join(units[row["pk"], FollowUpAssignment.Role.SUPPORT]),
            )
        )
    return dict(out)
