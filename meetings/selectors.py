"""Reads of meetings and follow-up items that other parts of the platform rely on."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict, overload

from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from committee.models import MemberUnit
from core import sql
from core.markup import url_pattern

from .models import AgendaItem, ExtensionRequest, FollowUpAssignment, FollowUpItem, Meeting, Topic, WorkPlan
from .models.followup import OPEN_PHASES
from .status import DUE_SOON_DAYS, FollowUpStatus, followup_status, status_counts, status_rank_sql


class StatusFields(TypedDict):
    status: str
    status_label: str
    colour: str


class UnitStatus(StatusFields):
    """One unit's part in a decision."""

    unit: str
    role: str


class DecisionStatus(StatusFields):
    """One decision (follow-up item) with each unit's status; its own status is its lead unit's."""

    id: int
    title: str
    meeting: str
    deadline: str
    units: list[UnitStatus]


class MeetingRef(TypedDict):
    id: int
    title: str


class DecisionCounts(TypedDict):
    total: int
    done: int
    open: int
    overdue: int


class PreviousDecisions(TypedDict):
    """``previous_decisions_status``: plain JSON, also frozen in the generated agenda item."""

    as_of: str
    previous: MeetingRef | None
    items: list[DecisionStatus]
    earlier_open: list[DecisionStatus]
    counts: DecisionCounts


class ClosureCounts(TypedDict):
    total: int
    closed_on_time: int
    closed_late: int
    open: int
    overdue: int


class UnitClosure(ClosureCounts):
    unit_id: int
    unit: str


class ClosureSummary(TypedDict):
    start: dt.date
    end: dt.date
    totals: ClosureCounts
    units: list[UnitClosure]


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


def _status_dict(status: FollowUpStatus) -> StatusFields:
    return {"status": status.value, "status_label": status.label, "colour": status.colour}


def _meeting_of(assignment: FollowUpAssignment) -> Meeting:
    """The meeting that took the decision (assignments read here are of meeting decisions)."""
    agenda_item = assignment.item.agenda_item
    assert agenda_item is not None  # filtered on item__source=MEETING and its meeting
    return agenda_item.meeting


def _group_by_item(assignments: Iterable[FollowUpAssignment], today: dt.date) -> list[DecisionStatus]:
    """One entry per item with each unit's status. The item's own status is its lead unit's:
    the 牵头单位 answers for the decision as a whole; co-operating units are listed beside it."""
    items: dict[int, DecisionStatus] = {}
    for a in assignments:
        status = a.status_on(today)
        entry = items.get(a.item_id)
        if entry is None:  # the first unit's status until the lead unit's is read
            entry = items[a.item_id] = {
                "id": a.item_id,
                "title": a.item.title,
                "meeting": _meeting_of(a).title,
                "deadline": a.deadline.isoformat(),
                "units": [],
                **_status_dict(status),
            }
        entry["units"].append({"unit": a.unit.name, "role": a.get_role_display(), **_status_dict(status)})
        if a.role == FollowUpAssignment.Role.LEAD:
            entry.update(_status_dict(status))
    return list(items.values())


def previous_decisions_status(meeting: Meeting, *, today: dt.date | None = None) -> PreviousDecisions:
    """第二条(六): how the previous meeting's decisions stand, from the follow-up records.

    Plain data (JSON-able), so the same structure is shown live before the meeting and frozen in
    the agenda item when the meeting is held. Items of older meetings still open are listed too.
    """
    today = today or timezone.localdate()
    previous = previous_meeting(meeting)
    result: PreviousDecisions = {
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
    current: list[FollowUpAssignment] = []
    earlier: list[FollowUpAssignment] = []
    for a in assignments:
        (current if _meeting_of(a).pk == previous.pk else earlier).append(a)
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


def _closure_counts(assignments: Iterable[FollowUpAssignment], today: dt.date) -> ClosureCounts:
    counts: ClosureCounts = {"total": 0, "closed_on_time": 0, "closed_late": 0, "open": 0, "overdue": 0}
    for a in assignments:
        counts["total"] += 1
        if a.phase == FollowUpAssignment.Phase.CLOSED:
            assert a.completed_on is not None  # set when the closure is granted
            if a.completed_on <= a.deadline:
                counts["closed_on_time"] += 1
            else:
                counts["closed_late"] += 1
        else:
            counts["open"] += 1
            if a.deadline < today:
                counts["overdue"] += 1
    return counts


def followup_closure_summary(*, start: dt.date, end: dt.date) -> ClosureSummary:
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
    per_unit: dict[int, list[FollowUpAssignment]] = defaultdict(list)
    names: dict[int, str] = {}
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


def agenda_items(meeting: Meeting) -> list[AgendaItem]:
    """The ordered agenda with each item's kind, source topic and the topics merged into it."""
    from django.db.models import Prefetch

    from .models import Topic

    return list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("business_kind", "topic__unit")
        .prefetch_related(Prefetch("topic__merged", queryset=Topic.objects.select_related("unit")))
        .order_by("order", "id")
    )


def first_item_status(meeting: Meeting, items: Sequence[AgendaItem]) -> PreviousDecisions | None:
    """The generated first item's content: frozen once the meeting is held, live before."""
    generated = next((i for i in items if i.is_generated), None)
    if generated is None:
        return None
    # the snapshot is a ``previous_decisions_status`` stored as JSON when the meeting was held
    snapshot: PreviousDecisions | None = generated.generated_snapshot
    if snapshot is not None:
        return snapshot
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
    for pk, agenda_item_id, title, content, deadline in (
        FollowUpItem.objects.filter(agenda_item__meeting=meeting)
        .order_by("order", "id")
        .values_list("pk", "agenda_item_id", "title", "content", "deadline")
    ):
        if agenda_item_id is None:  # never: filtered on the agenda item's meeting
            continue
        out[agenda_item_id].append(
            Decision(
                pk=pk,
                title=title,
                content=content,
                deadline=deadline,
                lead_names="、".join(units[pk, FollowUpAssignment.Role.LEAD]),
                support_names="、".join(units[pk, FollowUpAssignment.Role.SUPPORT]),
            )
        )
    return dict(out)


@dataclass(frozen=True)
class ItemRef:
    title: str
    source_label: str


@dataclass(frozen=True)
class UnitRef:
    name: str


@dataclass(frozen=True)
class AssignmentRow:
    """One line of the 督办事项 list: what the table shows, read with ``values_list`` (no models)."""

    pk: int
    item: ItemRef
    unit: UnitRef
    role_label: str
    phase_label: str
    deadline: dt.date
    state: FollowUpStatus


_ROW_FIELDS = (
    "pk",
    "role",
    "phase",
    "deadline",
    "item__title",
    "item__source",
    "item__agenda_item__meeting__year",
    "item__agenda_item__meeting__half",
    "item__agenda_item__meeting__term_name",
    "item__work_plan__title",
    "unit__name",
)


def _assignment_rows(rows: Iterable[tuple[Any, ...]], today: dt.date) -> list[AssignmentRow]:
    """``AssignmentRow``s of ``values_list(*_ROW_FIELDS)`` rows, in their order; their status by the
    same rules as ``with_status`` (``meetings.status``)."""
    roles = dict(FollowUpAssignment.Role.choices)
    phases = dict(FollowUpAssignment.Phase.choices)
    halves = dict(Meeting.Half.choices)
    out = []
    for pk, role, phase, deadline, title, source, year, half, term_name, plan_title, unit_name in rows:
        if source == FollowUpItem.Source.MEETING and year is not None:
            label = f"{year}年{term_name or halves.get(half, half)}联席会议决定"  # Meeting.title + 决定
        else:
            label = plan_title or ""
        out.append(
            AssignmentRow(
                pk=pk,
                item=ItemRef(title=title, source_label=label),
                unit=UnitRef(name=unit_name),
                role_label=roles.get(role, role),
                phase_label=phases.get(phase, phase),
                deadline=deadline,
                state=followup_status(phase=phase, deadline=deadline, today=today),
            )
        )
    return out


def assignment_list_rows(ids: Sequence[int], today: dt.date) -> list[AssignmentRow]:
    """The assignments ``ids`` (one page of the list, already filtered and sorted) in that order, in
    one query."""
    rows = FollowUpAssignment.objects.filter(pk__in=ids).order_by().values_list(*_ROW_FIELDS)
    found = {row.pk: row for row in _assignment_rows(rows, today)}
    return [found[pk] for pk in ids if pk in found]


def unit_open_rows(unit_id: int, today: dt.date, *, limit: int) -> list[AssignmentRow]:
    """A unit's open released assignments, overdue first then by deadline (then id), at most ``limit``
    (the unit's workbench): the rows of ``released().open().with_status()`` sorted by
    ``status_rank``, in one statement written out in SQL — the ORM spent ten times longer building
    it than the database running it."""
    fua, fui, agenda, meeting, plan, unit = (
        sql.table(m) for m in (FollowUpAssignment, FollowUpItem, AgendaItem, Meeting, WorkPlan, MemberUnit)
    )
    a_role, a_phase, a_deadline, a_item, a_unit = (
        sql.column(FollowUpAssignment, f) for f in ("role", "phase", "deadline", "item", "unit")
    )
    i_title, i_source, i_agenda, i_plan, i_released = (
        sql.column(FollowUpItem, f) for f in ("title", "source", "agenda_item", "work_plan", "released_at")
    )
    m_year, m_half, m_term = (sql.column(Meeting, f) for f in ("year", "half", "term_name"))
    rank, rank_params = status_rank_sql(today, {"phase": f"a.{a_phase}", "deadline": f"a.{a_deadline}"})
    statement = (  # names from the models' meta, quoted; every value a parameter
        f"SELECT a.id, a.{a_role}, a.{a_phase}, a.{a_deadline}, i.{i_title}, i.{i_source}, "  # noqa: S608
        f"m.{m_year}, m.{m_half}, m.{m_term}, w.{sql.column(WorkPlan, 'title')}, u.{sql.column(MemberUnit, 'name')} "
        f"FROM {fua} a JOIN {fui} i ON i.id = a.{a_item} JOIN {unit} u ON u.id = a.{a_unit} "
        f"LEFT JOIN {agenda} g ON g.id = i.{i_agenda} "
        f"LEFT JOIN {meeting} m ON m.id = g.{sql.column(AgendaItem, 'meeting')} "
        f"LEFT JOIN {plan} w ON w.id = i.{i_plan} "
        f"WHERE a.{a_unit} = %s AND a.{a_phase} IN ({', '.join(['%s'] * len(OPEN_PHASES))}) "
        f"AND a.{a_item} NOT IN (SELECT id FROM {fui} WHERE {i_released} IS NULL) "
        f"ORDER BY {rank}, a.{a_deadline}, a.id LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [unit_id, *OPEN_PHASES, *rank_params, limit])
        return _assignment_rows(cursor.fetchall(), today)


class OpenFirstIds(Sequence[int]):
    """The ids of a list of assignments sorted by ``status_rank`` (``with_status``), for a Paginator:
    已销号 ranks last, so a page within the open assignments is read from them alone — not a sort of
    years of closed items to show this month's work; a page that reaches the closed ones is read
    from the whole list as before (one query either way). ``total`` is how many rows there are and
    ``open_count`` how many of them are open (both known from the list's status counts). Sorted any
    other way (a column header), a page is read as it is."""

    ordered = True  # the queryset's order, for the Paginator's check

    def __init__(self, qs: "QuerySet[FollowUpAssignment]", *, total: int, open_count: int):
        self.qs, self.total, self.open_count = qs, total, open_count

    def __len__(self) -> int:
        return self.total

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> list[int]: ...
    def __getitem__(self, index: int | slice) -> int | list[int]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        bottom, top = index.start or 0, self.total if index.stop is None else index.stop
        ids = self.qs.values_list("pk", flat=True)
        if top <= self.open_count and self.qs.query.order_by[:1] == ("status_rank",):
            ids = ids.filter(phase__in=OPEN_PHASES)
        return list(ids[bottom:top])


def released_counts(today: dt.date) -> tuple[dict[str, int], dict[str, int]]:
    """``FollowUpAssignment.objects.released().counts(today)`` — the office workbench's figures —
    written out as one statement: the open assignments of released items grouped by phase with
    their deadlines before ``today`` and within the 临期 days, and the closed ones counted apart."""
    fua, fui = sql.table(FollowUpAssignment), sql.table(FollowUpItem)
    phase, deadline, item = (sql.column(FollowUpAssignment, f) for f in ("phase", "deadline", "item"))
    item_id, released_at = sql.column(FollowUpItem, "id"), sql.column(FollowUpItem, "released_at")
    released = f"{item} NOT IN (SELECT {item_id} FROM {fui} WHERE {released_at} IS NULL)"  # noqa: S608
    statement = (  # names from the models' meta, quoted; every value a parameter
        f"SELECT {phase}, COUNT(*), COUNT(*) FILTER (WHERE {deadline} < %s), "  # noqa: S608
        f"COUNT(*) FILTER (WHERE {deadline} <= %s) FROM {fua} "
        f"WHERE {phase} IN ({', '.join(['%s'] * len(OPEN_PHASES))}) AND {released} GROUP BY {phase} "
        f"UNION ALL SELECT %s, COUNT(*), 0, 0 FROM {fua} WHERE {phase} = %s AND {released}"
    )
    adapt = connection.ops.adapt_datefield_value
    closed = FollowUpAssignment.Phase.CLOSED
    params = [adapt(today), adapt(today + dt.timedelta(days=DUE_SOON_DAYS)), *OPEN_PHASES, closed, closed]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        groups = [(str(p), int(n), int(overdue), int(soon)) for p, n, overdue, soon in cursor.fetchall()]
    return {p: n for p, n, _, _ in groups if n}, status_counts(groups)


class PendingExtension(TypedDict):
    """One pending extension request as the office workbench lists it."""

    url: str  # the assignment's page
    unit: str
    title: str  # the item's
    requested_deadline: dt.date


def pending_extensions(limit: int) -> list[PendingExtension]:
    """The ``limit`` oldest pending extension requests with their unit and item, in one statement:
    the requests picked by their own index first (a join with the filter on the request lets a
    planner walk every assignment to find them), then joined by primary key; no models."""
    ext, fua, unit, item = (
        sql.table(m) for m in (ExtensionRequest, FollowUpAssignment, MemberUnit, FollowUpItem)
    )
    e_assignment, e_deadline, e_status, e_at = (
        sql.column(ExtensionRequest, f)
        for f in ("assignment", "requested_deadline", "status", "requested_at")
    )
    a_unit, a_item = sql.column(FollowUpAssignment, "unit"), sql.column(FollowUpAssignment, "item")
    u_name, i_title = sql.column(MemberUnit, "name"), sql.column(FollowUpItem, "title")
    statement = (  # names from the models' meta, quoted; every value a parameter
        f"SELECT a.id, u.{u_name}, i.{i_title}, e.{e_deadline} FROM {ext} e "  # noqa: S608
        f"JOIN {fua} a ON a.id = e.{e_assignment} JOIN {unit} u ON u.id = a.{a_unit} "
        f"JOIN {item} i ON i.id = a.{a_item} "
        f"WHERE e.id IN (SELECT id FROM {ext} WHERE {e_status} = %s ORDER BY {e_at}, id LIMIT %s) "
        f"ORDER BY e.{e_at}, e.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [ExtensionRequest.Status.PENDING, limit])
        found = cursor.fetchall()
    detail = url_pattern("meetings:followup_detail")
    return [
        {"url": detail % pk, "unit": name, "title": title, "requested_deadline": deadline}
        for pk, name, title, deadline in found
    ]


def pending_topics() -> Coalesce:
    """A meeting's topics waiting for the office's review, as an annotation: a count per meeting in a
    subquery (an index search each), not a join and GROUP BY over every column of every meeting."""
    waiting = (
        Topic.objects.filter(meeting=OuterRef("pk"), status=Topic.Status.SUBMITTED)
        .order_by()
        .values("meeting")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(waiting), 0)
