"""Factories and builders for meetings tests: rows straight in the database, or through services."""

import datetime as dt
from zoneinfo import ZoneInfo

import factory
import time_machine
from factory.django import DjangoModelFactory

from committee.models import MemberUnit
from meetings import services
from meetings.models import FollowUpItem, Meeting, WorkPlan


class MeetingFactory(DjangoModelFactory):
    """A bare meeting row (no invitations, no agenda): use ``draft_meeting`` for the real thing."""

    class Meta:
        model = Meeting
        django_get_or_create = ("year", "half")

    year = 2025
    half = 1
    planned_date = factory.LazyAttribute(lambda o: dt.date(o.year, 6 if o.half == 1 else 12, 16))
    topic_deadline = factory.LazyAttribute(lambda o: o.planned_date - dt.timedelta(days=10))
    place = "市市场监管局三楼会议室"


class WorkPlanFactory(DjangoModelFactory):
    class Meta:
        model = WorkPlan
        django_get_or_create = ("year",)

    year = 2025
    title = factory.LazyAttribute(lambda o: f"{o.year}年质量强市及品牌建设工作计划")


SHANGHAI = ZoneInfo("Asia/Shanghai")


def on(day: dt.date, hour: int = 10):
    """Freeze time at ``hour`` o'clock, Beijing time, on ``day``."""
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI), tick=False)


def unit(name: str) -> MemberUnit:
    return MemberUnit.objects.get(name=name)


def draft_meeting(year: int = 2025, half: int = 1, by=None) -> Meeting:
    meeting, _ = services.meeting_draft_for_term(year=year, half=half, by=by)
    return meeting


def arrange_and_notify(meeting: Meeting, office) -> Meeting:
    """Set the place and issue the notice, five days before the topic deadline."""
    with on(meeting.topic_deadline - dt.timedelta(days=5)):
        services.meeting_update(
            meeting=meeting,
            by=office,
            planned_date=meeting.planned_date,
            place="市市场监管局三楼会议室",
            topic_deadline=meeting.topic_deadline,
        )
        services.meeting_issue_notice(meeting=meeting, by=office)
    meeting.refresh_from_db()
    return meeting


def hold(meeting: Meeting, office) -> Meeting:
    """Record the meeting as held on its planned date."""
    with on(meeting.planned_date):
        services.meeting_mark_held(meeting=meeting, held_on=meeting.planned_date, by=office)
    meeting.refresh_from_db()
    return meeting


def notified_meeting(office, *, year: int = 2025, half: int = 1) -> Meeting:
    return arrange_and_notify(draft_meeting(year, half, by=office), office)


def held_meeting(office, *, year: int = 2025, half: int = 1) -> Meeting:
    return hold(notified_meeting(office, year=year, half=half), office)


def request_closure(assignment, unit_user, *, text: str = "已办结") -> None:
    """The unit signs for its part and asks for closure."""
    services.followup_sign(assignment=assignment, by=unit_user)
    services.followup_request_closure(assignment=assignment, by=unit_user, text=text)


def close(assignment, unit_user, approver, *, on_day: dt.date) -> None:
    """Signed, closure requested and closed (销号) by an office approver, all on ``on_day``."""
    with on(on_day):
        request_closure(assignment, unit_user)
        services.followup_close(assignment=assignment, by=approver)


def work_plan_task(
    office, *, lead, co=(), deadline: dt.date, title="推进质量提升行动", year=None
) -> FollowUpItem:
    plan = WorkPlanFactory(year=year or deadline.year)
    return services.workplan_task_create(
        work_plan=plan, by=office, title=title, lead_unit=lead, co_units=list(co), deadline=deadline
    )


def decision(
    office, meeting: Meeting, *, lead, co=(), deadline: dt.date, title="制定区域品牌管理办法"
) -> FollowUpItem:
    """A decision recorded on the meeting's first non-generated agenda item (one is added if needed)."""
    from meetings.models import BusinessKind

    item = meeting.agenda_items.filter(is_generated=False).order_by("order").first()
    with on(meeting.held_on or meeting.planned_date):
        if item is None:
            item = services.agenda_item_add(
                meeting=meeting,
                by=office,
                title="研究品牌建设工作",
                business_kind=BusinessKind.objects.get(code="targets"),
            )
        return services.decision_create(
            agenda_item=item, by=office, title=title, lead_unit=lead, co_units=list(co), deadline=deadline
        )


def publish(meeting: Meeting, office, approver) -> Meeting:
    """Fill in the minutes, sign them off and publish them (on the day of the meeting)."""
    with on(meeting.held_on):
        services.minutes_update(
            meeting=meeting,
            by=office,
            overview=meeting.minutes_overview or "会议概况",
            minutes_number="",
            discussions={i.pk: f"讨论了{i.title}" for i in meeting.agenda_items.all()},
        )
        services.minutes_sign_off(meeting=meeting, by=approver)
        services.minutes_publish(meeting=meeting, by=office)
    meeting.refresh_from_db()
    return meeting


def published_decision(users, *, deadline=dt.date(2025, 9, 30), co=(), year=2025, half=1) -> FollowUpItem:
    """A held meeting whose minutes are published with one decision led by unit_a."""
    meeting = held_meeting(users["office"], year=year, half=half)
    item = decision(users["office"], meeting, lead=users["unit_a"].member_unit, co=co, deadline=deadline)
    publish(meeting, users["office"], users["approver"])
    item.refresh_from_db()
    return item
