"""Joint meetings, topics, agendas, decisions, work plans and follow-up."""

from __future__ import annotations

import datetime as dt

from .base import Context, bulk, make


def seed_meetings(ctx: Context) -> None:
    from meetings.models import (
        AgendaItem,
        BusinessKind,
        FollowUpAssignment,
        FollowUpEvent,
        FollowUpItem,
        Invitation,
        Meeting,
        Topic,
        WorkPlan,
    )

    rng, scale = ctx.rng, ctx.scale
    kinds = list(BusinessKind.objects.order_by("order"))
    if not kinds:
        kinds = bulk(
            BusinessKind, [make(BusinessKind, code="bench", clause="（一）", name="基准", text="基准")]
        )
    from committee.models import Appointment

    director = ctx.approvers[0]
    convener = (
        Appointment.objects.filter(seat__role="office_director", end_date__isnull=True).order_by("pk").first()
    )
    M = Meeting.Status
    meetings = []
    for year, half in ctx.halves:
        planned = dt.date(year, 6 if half == 1 else 12, 10)
        past = planned < ctx.today
        signed = ctx.aware(planned + dt.timedelta(days=7)) if past else None
        meetings.append(
            make(
                Meeting,
                year=year,
                half=half,
                status=M.PUBLISHED if past else M.NOTIFIED,
                planned_date=planned,
                place="市政府三楼会议室",
                topic_deadline=planned - dt.timedelta(days=10),
                convener=convener,
                notice_number=f"监质办〔{year}〕{half}号",
                notice_issued_at=ctx.aware(planned - dt.timedelta(days=20)),
                held_on=planned if past else None,
                minutes_number=f"监质纪〔{year}〕{half}号" if past else "",
                minutes_overview="基准测试：会议概况。" if past else "",
                minutes_signed_by=director if past else None,
                minutes_signed_at=signed,
                minutes_published_at=signed,
                created_by=ctx.office_users[0],
            )
        )
    bulk(Meeting, meetings, ctx)
    meetings = list(Meeting.objects.order_by("year", "half"))

    bulk(
        Invitation,
        [
            make(
                Invitation,
                meeting=m,
                unit=u,
                is_member=True,
                response=Invitation.Response.PENDING if m.held_on is None else Invitation.Response.ATTENDING,
            )
            for m in meetings
            for u in ctx.units
        ],
        ctx,
    )

    topics = []
    for m in meetings:
        for i in range(scale["topics_per_meeting"]):
            unit = ctx.units[(m.pk * 7 + i) % len(ctx.units)]
            topics.append(
                make(
                    Topic,
                    meeting=m,
                    unit=unit,
                    proposed_by=ctx.unit_users.get(unit.pk),
                    title=f"关于{unit.name}质量品牌工作的议题{i + 1}",
                    background="基准测试：议题背景。",
                    request="提请会议研究。",
                    business_kind=kinds[i % len(kinds)],
                    status=Topic._meta.get_field("status").default,
                )
            )
    bulk(Topic, topics, ctx)

    agenda = []
    for m in meetings:
        agenda.append(
            make(
                AgendaItem,
                meeting=m,
                order=0,
                title="上次会议决定事项落实情况",
                business_kind=kinds[-1],
                is_generated=True,
                generated_snapshot={"items": []},
            )
        )
        for i in range(1, 4):
            agenda.append(
                make(
                    AgendaItem, meeting=m, order=i, title=f"审议事项{i}", business_kind=kinds[i % len(kinds)]
                )
            )
    bulk(AgendaItem, agenda, ctx)
    agenda_by_meeting: dict[int, list] = {}
    for item in AgendaItem.objects.filter(is_generated=False).order_by("meeting_id", "order"):
        agenda_by_meeting.setdefault(item.meeting_id, []).append(item)

    plans = bulk(
        WorkPlan,
        [
            make(WorkPlan, year=y, title=f"{y}年质量强市工作要点", created_by=ctx.office_users[0])
            for y in _years(ctx)
        ],
        ctx,
    )
    plans = list(WorkPlan.objects.order_by("year"))

    items = []
    for m in meetings:
        for i in range(scale["decisions_per_meeting"]):
            deadline = m.planned_date + dt.timedelta(days=rng.randint(30, 180))
            items.append(
                make(
                    FollowUpItem,
                    source=FollowUpItem.Source.MEETING,
                    agenda_item=agenda_by_meeting[m.pk][i % 3],
                    year=m.year,
                    title=f"{m.year}年第{m.half}次会议决定事项{i + 1}",
                    content="基准测试：具体要求。",
                    deadline=deadline,
                    order=i,
                    released_at=ctx.aware(m.planned_date + dt.timedelta(days=8)) if m.held_on else None,
                    created_by=ctx.office_users[0],
                )
            )
    for wp in plans:
        for i in range(scale["work_plan_tasks_per_year"]):
            items.append(
                make(
                    FollowUpItem,
                    source=FollowUpItem.Source.WORK_PLAN,
                    work_plan=wp,
                    year=wp.year,
                    title=f"{wp.year}年工作要点任务{i + 1}",
                    content="基准测试：任务要求。",
                    deadline=dt.date(wp.year, 12, 20),
                    order=i,
                    released_at=ctx.aware(dt.date(wp.year, 2, 15)),
                    created_by=ctx.office_users[0],
                )
            )
    bulk(FollowUpItem, items, ctx)

    P = FollowUpAssignment.Phase
    assignments = []
    for item in FollowUpItem.objects.order_by("pk"):
        overdue = item.deadline < ctx.today
        count = rng.choice((1, 1, 2, 3))
        for k in range(count):
            unit = ctx.units[(item.pk * 13 + k * 17) % len(ctx.units)]
            if item.released_at is None:
                phase = P.ASSIGNED
            elif overdue:
                phase = rng.choices([P.CLOSED, P.SIGNED, P.REQUESTED], weights=[85, 10, 5])[0]
            else:
                phase = rng.choice([P.ASSIGNED, P.SIGNED, P.REQUESTED])
            closed = phase == P.CLOSED
            assignments.append(
                make(
                    FollowUpAssignment,
                    item=item,
                    unit=unit,
                    role="lead" if k == 0 else "support",
                    phase=phase,
                    deadline=item.deadline,
                    signed_at=item.released_at if phase != P.ASSIGNED else None,
                    signed_by=ctx.unit_users.get(unit.pk) if phase != P.ASSIGNED else None,
                    last_report_at=item.released_at if phase != P.ASSIGNED else None,
                    completed_on=item.deadline - dt.timedelta(days=3) if closed else None,
                    closed_at=ctx.aware(item.deadline) if closed else None,
                    closed_by=ctx.office_users[0] if closed else None,
                )
            )
    bulk(FollowUpAssignment, assignments, ctx)

    K = FollowUpEvent.Kind
    events = []
    for a in FollowUpAssignment.objects.select_related("item").order_by("pk"):
        if a.item.released_at is None:
            continue
        events.append(make(FollowUpEvent, assignment=a, kind=K.RELEASED, by=ctx.office_users[0]))
        if a.phase != P.ASSIGNED:
            events.append(make(FollowUpEvent, assignment=a, kind=K.SIGNED, by=ctx.unit_users.get(a.unit_id)))
            events.append(
                make(
                    FollowUpEvent,
                    assignment=a,
                    kind=K.PROGRESS,
                    text="基准测试：进展情况。",
                    by=ctx.unit_users.get(a.unit_id),
                )
            )
        if a.phase == P.CLOSED:
            events.append(make(FollowUpEvent, assignment=a, kind=K.CLOSED, by=ctx.office_users[0]))
    bulk(FollowUpEvent, events, ctx)


def _years(ctx: Context) -> list[int]:
    return sorted({year for year, _ in ctx.halves})
