import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from committee.models import MemberUnit
from meetings import services
from meetings.models import ExtensionRequest, FollowUpAssignment, FollowUpItem, Meeting, Topic
from meetings.selectors import (
    OpenFirstIds,
    followup_closure_summary,
    pending_extensions,
    pending_topics,
    previous_decisions_status,
    released_counts,
    unit_ids_with_open_followups,
    unit_open_rows,
)
from meetings.status import DUE_SOON_DAYS, FollowUpStatus, followup_status

from .factories import (
    arrange_and_notify,
    close,
    draft_meeting,
    hold,
    on,
    published_decision,
    unit,
    work_plan_task,
)

pytestmark = pytest.mark.django_db

Phase = FollowUpAssignment.Phase
TODAY = dt.date(2025, 8, 1)


@pytest.mark.parametrize(
    "phase,days_left,expected",
    [
        (Phase.CLOSED, -30, FollowUpStatus.DONE),
        (Phase.ASSIGNED, -1, FollowUpStatus.OVERDUE),
        (Phase.REQUESTED, -1, FollowUpStatus.OVERDUE),
        (Phase.ASSIGNED, 30, FollowUpStatus.UNSIGNED),
        (Phase.ASSIGNED, 0, FollowUpStatus.UNSIGNED),
        (Phase.SIGNED, 0, FollowUpStatus.DUE_SOON),
        (Phase.SIGNED, DUE_SOON_DAYS, FollowUpStatus.DUE_SOON),
        (Phase.SIGNED, DUE_SOON_DAYS + 1, FollowUpStatus.NORMAL),
        (Phase.REQUESTED, 30, FollowUpStatus.NORMAL),
    ],
)
def test_status_rules(phase, days_left, expected):
    assert (
        followup_status(phase=phase, deadline=TODAY + dt.timedelta(days=days_left), today=TODAY) == expected
    )


def test_sql_status_agrees_with_python_and_puts_overdue_first(users):
    office = users["office"]
    deadlines = [TODAY - dt.timedelta(days=2), TODAY + dt.timedelta(days=3), TODAY + dt.timedelta(days=40)]
    with on(dt.date(2025, 1, 10)):
        for n, deadline in enumerate(deadlines):
            work_plan_task(office, lead=users["unit_a"].member_unit, deadline=deadline, title=f"任务{n}")
    first = FollowUpAssignment.objects.order_by("item__deadline").last()
    services.followup_sign(assignment=first, by=users["unit_a"])
    middle = FollowUpAssignment.objects.order_by("item__deadline")[1]
    services.followup_sign(assignment=middle, by=users["unit_a"])
    rows = list(FollowUpAssignment.objects.with_status(TODAY).select_related("item").order_by("status_rank"))
    for a in rows:
        assert a.state == a.status_on(TODAY)
    assert [a.state for a in rows] == [FollowUpStatus.OVERDUE, FollowUpStatus.DUE_SOON, FollowUpStatus.NORMAL]
    assert FollowUpStatus.OVERDUE.colour == "red" and FollowUpStatus.DUE_SOON.colour == "amber"
    assert FollowUpStatus.NORMAL.colour == "green"


# the boundaries of every rule (meetings/status.py): one day late, due today, the last 临期 day, the first
# normal day, long ahead
DAYS_LEFT = (-30, -1, 0, DUE_SOON_DAYS, DUE_SOON_DAYS + 1, 30)


def test_sql_status_agrees_with_python_for_every_phase_on_every_boundary(users):
    """``status_annotations`` (SQL) and ``followup_status`` (Python) give the same status for every
    phase and deadline, and between them reach all five statuses."""
    with on(dt.date(2025, 1, 10)):
        item = work_plan_task(
            users["office"], lead=users["unit_a"].member_unit, deadline=dt.date(2025, 12, 31), title="任务"
        )
    assignment = item.assignments.get()
    seen = set()
    for phase in Phase:
        for days_left in DAYS_LEFT:
            deadline = TODAY + dt.timedelta(days=days_left)
            closed = {"completed_on": TODAY, "closed_at": timezone.now()} if phase == Phase.CLOSED else {}
            FollowUpAssignment.objects.filter(pk=assignment.pk).update(
                phase=phase, deadline=deadline, **closed
            )
            row = FollowUpAssignment.objects.with_status(TODAY).get(pk=assignment.pk)
            python = followup_status(phase=phase, deadline=deadline, today=TODAY)
            assert (phase, days_left, row.state) == (phase, days_left, python)
            assert row.status_rank == python.rank
            seen.add(python)
    assert seen == set(FollowUpStatus)


def _every_phase_on_every_boundary(item, units):
    """One support assignment of ``item`` per phase and deadline of DAYS_LEFT, each for another of
    ``units``."""
    units = iter(units.order_by("id"))
    for phase, days_left in [(phase, days_left) for phase in Phase for days_left in DAYS_LEFT]:
        closed = {"completed_on": TODAY, "closed_at": timezone.now()} if phase == Phase.CLOSED else {}
        FollowUpAssignment.objects.create(
            item=item,
            unit=next(units),
            role=FollowUpAssignment.Role.SUPPORT,
            phase=phase,
            deadline=TODAY + dt.timedelta(days=days_left),
            **closed,
        )


def test_grouped_counts_agree_with_the_status_of_every_row(users):
    """``counts`` (grouped by phase, no CASE) gives per status what ``followup_status`` gives row by row,
    for every phase on every boundary; and per phase the plain counts."""
    with on(dt.date(2025, 1, 10)):
        item = work_plan_task(
            users["office"], lead=users["unit_a"].member_unit, deadline=dt.date(2025, 12, 31), title="任务"
        )
    units = iter(MemberUnit.objects.exclude(pk=users["unit_a"].member_unit_id).order_by("id"))
    cases = [(phase, days_left) for phase in Phase for days_left in DAYS_LEFT]
    for phase, days_left in cases:
        closed = {"completed_on": TODAY, "closed_at": timezone.now()} if phase == Phase.CLOSED else {}
        FollowUpAssignment.objects.create(
            item=item,
            unit=next(units),
            role=FollowUpAssignment.Role.SUPPORT,
            phase=phase,
            deadline=TODAY + dt.timedelta(days=days_left),
            **closed,
        )

    def by_rows(qs):
        out = dict.fromkeys(FollowUpStatus.values, 0)
        for a in qs:
            out[followup_status(phase=a.phase, deadline=a.deadline, today=TODAY)] += 1
        return out

    qs = FollowUpAssignment.objects.all()
    phases, statuses = qs.counts(TODAY)
    assert statuses == by_rows(qs) and all(statuses.values())
    assert phases == {p: qs.filter(phase=p).count() for p in Phase}
    assert sum(phases.values()) == len(cases) + 1
    signed = qs.filter(phase=Phase.SIGNED)  # a filtered queryset counts its own rows only
    assert signed.counts(TODAY)[1] == by_rows(signed)


def test_unit_ids_with_open_followups(users, published):
    lead, co = users["unit_a"].member_unit, users["unit_b"].member_unit
    assert unit_ids_with_open_followups() == {lead.pk, co.pk}
    close(published.assignments.get(unit=co), users["unit_b"], users["approver"], on_day=dt.date(2025, 7, 1))
    assert unit_ids_with_open_followups() == {lead.pk}


def test_closure_summary_counts_on_time_late_and_open_per_unit(users):
    office = users["office"]
    with on(dt.date(2025, 1, 10)):
        early = work_plan_task(
            office, lead=users["unit_a"].member_unit, deadline=dt.date(2025, 3, 31), title="甲"
        )
        late = work_plan_task(
            office, lead=users["unit_a"].member_unit, deadline=dt.date(2025, 4, 30), title="乙"
        )
        work_plan_task(office, lead=users["unit_b"].member_unit, deadline=dt.date(2025, 5, 31), title="丙")
        work_plan_task(
            office, lead=users["unit_b"].member_unit, deadline=dt.date(2025, 12, 31), title="下半年"
        )
    close(early.assignments.get(), users["unit_a"], users["approver"], on_day=dt.date(2025, 3, 31))
    close(late.assignments.get(), users["unit_a"], users["approver"], on_day=dt.date(2025, 5, 6))
    with on(dt.date(2025, 7, 20)):
        summary = followup_closure_summary(start=dt.date(2025, 1, 1), end=dt.date(2025, 6, 30))
    assert summary["totals"] == {"total": 3, "closed_on_time": 1, "closed_late": 1, "open": 1, "overdue": 1}
    units = {u["unit"]: u for u in summary["units"]}
    assert units["市农业农村局"]["closed_on_time"] == 1 and units["市农业农村局"]["closed_late"] == 1
    assert units["容城镇"]["open"] == 1 and units["容城镇"]["overdue"] == 1


def test_closure_summary_query_count_does_not_grow(users, django_assert_num_queries):
    with on(dt.date(2025, 1, 10)):
        for n in range(5):
            work_plan_task(
                users["office"], lead=unit("市商务局"), deadline=dt.date(2025, 3, 1), title=f"任务{n}"
            )
    with django_assert_num_queries(1):
        followup_closure_summary(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))


def test_first_item_of_the_next_meeting_lists_the_previous_decisions_live_then_frozen(users, published):
    office = users["office"]
    following = draft_meeting(2025, 2)
    with on(dt.date(2025, 7, 1)):
        status = previous_decisions_status(following)
    assert status["previous"]["title"] == "2025年上半年联席会议"
    [entry] = status["items"]
    assert entry["title"] == published.title and entry["status"] == FollowUpStatus.UNSIGNED
    assert [u["unit"] for u in entry["units"]] == ["市农业农村局", "容城镇"]
    lead = published.assignments.get(unit=users["unit_a"].member_unit)
    close(lead, users["unit_a"], users["approver"], on_day=dt.date(2025, 8, 1))
    with on(dt.date(2025, 8, 2)):
        status = previous_decisions_status(following)
    assert status["items"][0]["units"][0]["status"] == FollowUpStatus.DONE
    assert status["items"][0]["units"][1]["status"] == FollowUpStatus.UNSIGNED  # 容城镇 still open
    assert status["items"][0]["status"] == FollowUpStatus.DONE  # the lead unit answers for the item
    # held: frozen as it stood on the day
    hold(arrange_and_notify(following, office), office)
    snapshot = following.agenda_items.get(is_generated=True).generated_snapshot
    assert snapshot["counts"] == {"total": 1, "done": 1, "open": 0, "overdue": 0}
    assert snapshot["items"][0]["units"][1]["status"] == FollowUpStatus.OVERDUE
    co = published.assignments.get(unit=users["unit_b"].member_unit)
    close(co, users["unit_b"], users["approver"], on_day=dt.date(2025, 12, 20))
    generated = following.agenda_items.get(is_generated=True)
    assert generated.generated_snapshot == snapshot
    assert previous_decisions_status(following)["items"][0]["units"][1]["status"] == FollowUpStatus.DONE


def test_earlier_open_decisions_are_listed_too(users):
    published_decision(users, deadline=dt.date(2025, 9, 30), year=2025, half=1)
    later = published_decision(users, deadline=dt.date(2026, 3, 31), year=2025, half=2)
    third = draft_meeting(2026, 1)
    with on(dt.date(2026, 1, 5)):
        status = previous_decisions_status(third)
    assert [e["title"] for e in status["items"]] == [later.title]
    assert [e["meeting"] for e in status["earlier_open"]] == ["2025年上半年联席会议"]


def test_open_first_ids_give_every_page_as_sorting_all_the_rows_would(users):
    """The 督办事项 list's pages (those within the open assignments read from them alone) are the
    pages of the whole list sorted overdue first: every window, across the boundary between open and
    closed, and sorted by another column."""
    with on(dt.date(2025, 1, 10)):
        item = work_plan_task(
            users["office"], lead=users["unit_a"].member_unit, deadline=dt.date(2025, 12, 31), title="任务"
        )
    _every_phase_on_every_boundary(item, MemberUnit.objects.exclude(pk=users["unit_a"].member_unit_id))
    ranked = FollowUpAssignment.objects.with_status(TODAY).order_by(
        "status_rank", "deadline", "item_id", "unit__order"
    )
    by_title = FollowUpAssignment.objects.with_status(TODAY).order_by("-deadline", "pk")
    for qs in (ranked, by_title):
        every = list(qs.values_list("pk", flat=True))
        open_count = qs.exclude(phase=Phase.CLOSED).count()
        assert 0 < open_count < len(every)
        ids = OpenFirstIds(qs, total=len(every), open_count=open_count)
        assert len(ids) == len(every) and list(ids) == every
        for size in (1, 3, 7):
            for bottom in range(0, len(every) + size, size):
                assert ids[bottom : bottom + size] == every[bottom : bottom + size], (size, bottom)


def test_released_counts_are_the_counts_of_the_released_assignments(users):
    """The office workbench's written-out statement gives what ``released().counts()`` gives: every
    phase on every deadline boundary, the assignments of an unreleased item left out."""
    with on(dt.date(2025, 1, 10)):
        item = work_plan_task(
            users["office"], lead=users["unit_a"].member_unit, deadline=dt.date(2025, 12, 31), title="任务"
        )
        hidden = work_plan_task(
            users["office"], lead=users["unit_b"].member_unit, deadline=dt.date(2025, 12, 31), title="未下达"
        )
    FollowUpItem.objects.filter(pk=hidden.pk).update(released_at=None)
    others = MemberUnit.objects.exclude(
        pk__in=[users["unit_a"].member_unit_id, users["unit_b"].member_unit_id]
    )
    for target in (item, hidden):
        _every_phase_on_every_boundary(target, others)
    expected = FollowUpAssignment.objects.released().counts(TODAY)
    assert released_counts(TODAY) == expected
    phases, statuses = expected
    assert all(statuses.values()) and set(phases) == set(Phase.values)
    assert sum(phases.values()) == FollowUpAssignment.objects.filter(item__released_at__isnull=False).count()


def test_the_list_reads_a_page_in_as_many_queries_wherever_it_falls(client, users):
    """A page within the open assignments (read from them alone), one across the closed ones and one
    of the closed only take the same number of queries, and show the rows of the whole sorted list."""
    with on(dt.date(2025, 1, 10)):
        items = [
            work_plan_task(
                users["office"], lead=users["unit_a"].member_unit, deadline=dt.date(2025, 12, 31), title=t
            )
            for t in ("任务一", "任务二")
        ]
    others = MemberUnit.objects.exclude(pk=users["unit_a"].member_unit_id).order_by("id")
    for n, (item, member) in enumerate((item, member) for item in items for member in others[:24]):
        closed = n % 3 == 0  # 16 of 48 closed: page 1 within the open ones, page 2 across
        FollowUpAssignment.objects.create(
            item=item,
            unit=member,
            role=FollowUpAssignment.Role.SUPPORT,
            phase=Phase.CLOSED if closed else Phase.SIGNED,
            deadline=TODAY + dt.timedelta(days=n % 20 - 5),
            **({"completed_on": TODAY, "closed_at": timezone.now()} if closed else {}),
        )
    client.force_login(users["office"])
    url = reverse("meetings:followup_list")
    every = list(
        FollowUpAssignment.objects.released()
        .with_status(dt.date.today())
        .order_by("status_rank", "deadline", "item_id", "unit__order")
        .values_list("pk", flat=True)
    )
    assert len(every) == 50  # the 48 and the two lead units' own
    client.get(url, {"page": 2})  # per-process memos (settings rows, content types) filled first
    counts = []
    for page in (1, 2):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"page": page})
        counts.append(len(ctx.captured_queries))
        shown = [a.pk for a in response.context["assignments"]]
        assert shown == every[(page - 1) * 30 : page * 30]
    assert counts[0] == counts[1]


def test_pending_topics_count_each_meetings_submitted_topics_only(client, users):
    busy, quiet = draft_meeting(2025, 1), draft_meeting(2025, 2)
    for n, status in enumerate(["submitted", "submitted", "accepted", "declined", "submitted"]):
        Topic.objects.create(
            meeting=busy if n < 4 else quiet,
            unit=users["unit_a"].member_unit,
            title=f"议题{n}",
            background="背景",
            request="事项",
            status=status,
        )
    counts = dict(Meeting.objects.annotate(n=pending_topics()).values_list("pk", "n"))
    assert counts[busy.pk] == 2 and counts[quiet.pk] == 1
    assert counts == {
        m.pk: m.topics.filter(status=Topic.Status.SUBMITTED).count() for m in Meeting.objects.all()
    }
    client.force_login(users["office"])
    body = client.get(reverse("meetings:meeting_list")).content.decode()
    assert '<span class="badge badge-amber">2</span>' in body


def test_pending_extensions_are_the_oldest_pending_requests_with_their_unit_and_item(users):
    """The workbench's written-out statement lists what the ORM would: pending requests only, the
    oldest first (ties by id), at most ``limit``, each with its assignment's page, unit and item."""
    with on(dt.date(2025, 1, 10)):
        item = work_plan_task(
            users["office"], lead=users["unit_a"].member_unit, deadline=dt.date(2025, 12, 31), title="任务甲"
        )
    _every_phase_on_every_boundary(item, MemberUnit.objects.exclude(pk=users["unit_a"].member_unit_id))
    assignments = list(FollowUpAssignment.objects.filter(item=item).order_by("id"))
    assert len(assignments) > 12
    start = timezone.now()
    for n, assignment in enumerate(assignments):
        request = ExtensionRequest.objects.create(
            assignment=assignment,
            old_deadline=assignment.deadline,
            requested_deadline=assignment.deadline + dt.timedelta(days=30 + n),
            reason="理由",
            status=ExtensionRequest.Status.REFUSED if n % 4 == 0 else ExtensionRequest.Status.PENDING,
        )
        # requested in reverse order of creation, two at a time at the same instant (ties by id)
        ExtensionRequest.objects.filter(pk=request.pk).update(
            requested_at=start - dt.timedelta(minutes=(len(assignments) - n) // 2)
        )
    expected = [
        {
            "url": reverse("meetings:followup_detail", args=[e.assignment_id]),
            "unit": e.assignment.unit.name,
            "title": e.assignment.item.title,
            "requested_deadline": e.requested_deadline,
        }
        for e in ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING)
        .select_related("assignment__unit", "assignment__item")
        .order_by("requested_at", "id")
    ]
    assert len(expected) > 8
    assert pending_extensions(8) == expected[:8]
    assert pending_extensions(100) == expected
    assert isinstance(pending_extensions(1)[0]["requested_deadline"], dt.date)


def test_unit_open_rows_are_the_orms_rows_by_status_rank_for_every_phase_on_every_boundary(users, published):
    """The unit workbench's written-out statement gives the rows of ``released().open().with_status()``
    in ``status_rank`` order, for every phase on every deadline boundary: closed ones, an unreleased
    item's and another unit's left out, a meeting decision labelled with its meeting."""
    unit = users["unit_a"].member_unit
    cases = [(phase, days_left) for phase in Phase for days_left in DAYS_LEFT]
    with on(dt.date(2025, 1, 10)):
        items = [
            work_plan_task(users["office"], lead=unit, deadline=dt.date(2025, 12, 31), title=f"任务{n}")
            for n in range(len(cases) + 1)
        ]
        work_plan_task(users["office"], lead=users["unit_b"].member_unit, deadline=TODAY, title="他单位")
    for item, (phase, days_left) in zip(items, cases, strict=False):
        closed = {"completed_on": TODAY, "closed_at": timezone.now()} if phase == Phase.CLOSED else {}
        FollowUpAssignment.objects.filter(item=item, unit=unit).update(
            phase=phase, deadline=TODAY + dt.timedelta(days=days_left), **closed
        )
    FollowUpItem.objects.filter(pk=items[-1].pk).update(released_at=None)  # never sent: not listed
    expected = list(
        FollowUpAssignment.objects.released()
        .open()
        .filter(unit=unit)
        .with_status(TODAY)
        .order_by("status_rank", "deadline", "pk")
        .select_related("item__agenda_item__meeting", "item__work_plan")
    )
    rows = unit_open_rows(unit.pk, TODAY, limit=100)
    assert [r.pk for r in rows] == [a.pk for a in expected]
    assert len(rows) == sum(1 for phase, _ in cases if phase != Phase.CLOSED) + 1  # + the decision
    assert [r.state.value for r in rows] == [a.computed_status for a in expected]
    assert [r.item.source_label for r in rows] == [a.item.source_label for a in expected]
    assert any(r.item.source_label.endswith("联席会议决定") for r in rows)
    assert {r.unit.name for r in rows} == {unit.name}
    assert [r.pk for r in unit_open_rows(unit.pk, TODAY, limit=5)] == [a.pk for a in expected[:5]]
