"""A meeting from draft to held: term, date and place, convener, invitations, notice (附件2 第三条)."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from committee.models import Appointment, MemberUnit, Role
from committee.selectors import current_holder
from core.dates import cn_date
from core.errors import ServiceError
from core.history import save_with_history
from core.models import SiteSetting
from core.rhythm import MeetingCycle
from core.workdays import add_workdays, is_workday

from ..models import AgendaItem, BusinessKind, Invitation, Meeting, Topic
from ..rules import current_cycle
from ..selectors import previous_decisions_status, previous_meeting
from ._common import ensure_office, ensure_unit_user_of, invited_unit_ids, notify_units, today

GENERATED_ITEM_TITLE = "上次联席会议决定事项落实情况"


def term_of(day: dt.date) -> tuple[int, int]:
    """(year, number) of the meeting ``day`` prepares for (the cycle of the MeetingRule)."""
    return current_cycle().term_of(day)


def next_term(year: int, half: int) -> tuple[int, int]:
    return current_cycle().next_term(year, half)


def default_planned_date(year: int, half: int, cycle: MeetingCycle | None = None) -> dt.date:
    """The rule's preferred day in the meeting's month (Jianli: 15 June / 15 December), moved to a
    working day."""
    day = (cycle or current_cycle()).preferred_date(year, half)
    return day if is_workday(day) else add_workdays(day, 1)


def draft_date(year: int, half: int, cycle: MeetingCycle | None = None) -> dt.date:
    """The day the meeting is drafted and its call for topics goes out: ``topic_call_lead_days``
    before the planned date, or the first day of its cycle when the rule sets none (Jianli: 1
    January / 1 July). The scheduler drafts on the first working day from then."""
    cycle = cycle or current_cycle()
    if cycle.topic_call_lead_days is None:
        return cycle.cycle_start(year, half)
    return default_planned_date(year, half, cycle) - dt.timedelta(days=cycle.topic_call_lead_days)


def terms_due(today: dt.date, cycle: MeetingCycle | None = None) -> list[tuple[int, int]]:
    """The terms whose meeting should exist by ``today``: the term ``today`` prepares for and the
    next one, each once its draft date has come."""
    cycle = cycle or current_cycle()
    term = cycle.term_of(today)
    following = cycle.next_term(*term)
    return [t for t in (term, following) if draft_date(*t, cycle) <= today]


def _convener(delegated: bool) -> Appointment | None:
    return current_holder(Role.OFFICE_DEPUTY if delegated else Role.OFFICE_DIRECTOR)


def meeting_draft_for_term(*, year: int, half: int, by: User | None = None) -> tuple[Meeting, bool]:
    """The meeting of a term, created once (筹备中) with its topic call, invitations and first item.

    ``half`` is the meeting's number within its year in the MeetingRule's cycle (1–2 for Jianli's
    half years). Idempotent: a second call (a retried task, the office's page, a second beat)
    returns the existing meeting and ``False``.
    """
    cycle = current_cycle()
    if not 1 <= half <= cycle.per_year or not 2000 <= year <= 2100:
        raise ServiceError(
            "年度或届次参数无效。" if cycle.per_year != 2 else "年度或半年参数无效。", code="bad_term"
        )
    existing = Meeting.objects.filter(year=year, half=half).first()
    if existing is not None:
        return existing, False
    planned = default_planned_date(year, half, cycle)
    days_before = SiteSetting.get().topic_call_days_before_meeting
    try:
        with transaction.atomic():
            # race: the scheduler and an office user drafting the same term; the named
            # UniqueConstraint meetings_meeting_one_per_term lets exactly one insert win
            meeting = Meeting(
                year=year,
                half=half,
                term_name="" if cycle.per_year == 2 else cycle.term_label(half),
                planned_date=planned,
                topic_deadline=planned - dt.timedelta(days=days_before),
                convener=_convener(delegated=False),
                created_by=by,
            )
            save_with_history(meeting, by)
            _populate(meeting, by)
    except IntegrityError:
        return Meeting.objects.get(year=year, half=half), False
    return meeting, True


def _populate(meeting: Meeting, by: User | None) -> None:
    units = list(MemberUnit.objects.filter(active=True, is_member=True).order_by("order", "id"))
    Invitation.objects.bulk_create([Invitation(meeting=meeting, unit=u, is_member=True) for u in units])
    inspection = BusinessKind.objects.filter(code=BusinessKind.INSPECTION).first()
    if inspection is None:
        raise ServiceError("议事内容类别（第二条）尚未载入，请先运行 load_policy。", code="no_kinds")
    save_with_history(
        AgendaItem(
            meeting=meeting,
            order=1,
            title=GENERATED_ITEM_TITLE,
            business_kind=inspection,
            presenter="委员会办公室",
            is_generated=True,
        ),
        by,
    )
    previous = previous_meeting(meeting)
    if previous is not None:
        invited = {u.pk for u in units}
        for topic in Topic.objects.filter(
            meeting=previous, status=Topic.Status.DEFERRED, carried_to__isnull=True
        ):
            if topic.unit_id in invited:
                carry_topic(topic=topic, to=meeting, by=by)
    _announce_topic_call(meeting)


def _announce_topic_call(meeting: Meeting) -> None:
    notify_units(
        occasion=f"topic_call:{meeting.pk}:open",
        unit_ids=invited_unit_ids(meeting),
        subject=f"{meeting.title}议题征集",
        body=(
            f"{meeting.full_title}拟于 {cn_date(meeting.planned_date)} 召开。请于 "
            f"{cn_date(meeting.topic_deadline)} 前在平台提交拟提请会议研究的议题（附件2 第五条）。"
        ),
        url=reverse("meetings:meeting_detail", args=[meeting.pk]),
    )


def carry_topic(*, topic: Topic, to: Meeting, by: User | None = None) -> Topic:
    """A deferred topic goes onto the next meeting's list as a fresh proposal."""
    carried = Topic(
        meeting=to,
        unit=topic.unit,
        proposed_by=topic.proposed_by,
        title=topic.title,
        background=topic.background,
        request=topic.request,
        business_kind=topic.business_kind,
        carried_from=topic,
    )
    save_with_history(carried, by)
    for attachment in topic.attachments.all():
        carried.attachments.create(file=attachment.file.name, name=attachment.name)
    return carried


def _ensure_before_meeting(meeting: Meeting) -> None:
    if meeting.status not in (Meeting.Status.PREPARING, Meeting.Status.NOTIFIED):
        raise ServiceError("会议已召开，不能再修改会议安排。", code="held")


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    by: User,
    planned_date: dt.date,
    place: str,
    topic_deadline: dt.date,
    start_time: dt.time | None = None,
    convener_delegated: bool = False,
    delegation_note: str = "",
    notice_number: str = "",
    notice_requirements: str = "",
) -> Meeting:
    ensure_office(by)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _ensure_before_meeting(meeting)
    if topic_deadline > planned_date:
        raise ServiceError("议题征集截止日不能晚于会议召开日期。", code="deadline_after_meeting")
    if planned_date < today() and planned_date != meeting.planned_date:
        raise ServiceError("计划召开日期不能早于今天。", code="past_date")
    delegation_note = delegation_note.strip()
    if convener_delegated and not delegation_note:
        raise ServiceError(
            "由副主任召集时须填写委托说明（第三条：由主任委托副主任担任）。", code="note_required"
        )
    convener = _convener(convener_delegated)
    if convener is None:
        raise ServiceError(
            f"委员会名单中没有现任{'办公室副主任' if convener_delegated else '办公室主任'}，无法确定召集人。",
            code="no_convener",
        )
    before = (meeting.planned_date, meeting.start_time, meeting.place)
    meeting.planned_date = planned_date
    meeting.start_time = start_time
    meeting.place = place.strip()
    meeting.topic_deadline = topic_deadline
    meeting.convener = convener
    meeting.convener_delegated = convener_delegated
    meeting.delegation_note = delegation_note if convener_delegated else ""
    meeting.notice_number = notice_number.strip()
    meeting.notice_requirements = notice_requirements.strip()
    save_with_history(meeting, by)
    if meeting.status == Meeting.Status.NOTIFIED and before != (planned_date, start_time, meeting.place):
        # the units were told a date and place: tell them the new ones
        notify_units(
            occasion=f"meeting:{meeting.pk}:changed:{meeting.history.count()}",
            unit_ids=invited_unit_ids(meeting),
            subject=f"会议安排变更：{meeting.full_title}",
            body=f"{meeting.full_title}改为 {_when(meeting)} 在 {meeting.place} 召开，请相互转告。",
            url=reverse("meetings:meeting_detail", args=[meeting.pk]),
        )
    return meeting


def _when(meeting: Meeting) -> str:
    return f"{cn_date(meeting.planned_date)}" + (f" {meeting.start_time:%H:%M}" if meeting.start_time else "")


@transaction.atomic
def meeting_issue_notice(*, meeting: Meeting, by: User) -> Meeting:
    """筹备中 → 已发通知: the invited units are told the date, place and agenda."""
    ensure_office(by)
    # race: two office users issuing the notice at once; the row lock makes the second see 已发通知
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.PREPARING:
        raise ServiceError("会议通知已发出，无需重复发送。", code="already_notified")
    if not meeting.place:
        raise ServiceError("请先填写会议地点。", code="place_required")
    if meeting.planned_date < today():
        raise ServiceError("计划召开日期已过，请先修改会议日期。", code="past_date")
    if meeting.convener_id is None:
        raise ServiceError("尚未确定召集人，请先在会议安排中保存召集人。", code="no_convener")
    meeting.status = Meeting.Status.NOTIFIED
    meeting.notice_issued_at = timezone.now()
    save_with_history(meeting, by)
    notify_units(
        occasion=f"meeting:{meeting.pk}:notice",
        unit_ids=invited_unit_ids(meeting),
        subject=f"会议通知：{meeting.full_title}",
        body=f"定于 {_when(meeting)} 在 {meeting.place} 召开{meeting.full_title}。请登录平台确认参会人员。",
        url=reverse("meetings:meeting_detail", args=[meeting.pk]),
    )
    return meeting


@transaction.atomic
def invitation_add_guest(
    *, meeting: Meeting, by: User, unit: MemberUnit | None = None, guest_name: str = ""
) -> Invitation:
    """第三条: bodies other than the member units invited because of a topic."""
    ensure_office(by)
    _ensure_before_meeting(meeting)
    guest_name = guest_name.strip()
    if unit is None and not guest_name:
        raise ServiceError("请选择单位或填写受邀单位名称。", code="required")
    if unit is not None:
        if meeting.invitations.filter(unit=unit).exists():
            raise ServiceError(f"{unit.name} 已在邀请名单中。", code="duplicate")
        guest_name = ""
    elif meeting.invitations.filter(guest_name=guest_name).exists():
        raise ServiceError(f"{guest_name} 已在邀请名单中。", code="duplicate")
    invitation = Invitation(meeting=meeting, unit=unit, guest_name=guest_name, is_member=False)
    save_with_history(invitation, by)
    return invitation


@transaction.atomic
def invitation_respond(*, invitation: Invitation, by: User, response: str, attendees: str) -> Invitation:
    """The unit confirms whether it attends and who comes."""
    ensure_unit_user_of(by, invitation.unit_id)
    invitation = (
        Invitation.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=invitation.pk)
    )
    _ensure_before_meeting(invitation.meeting)
    attendees = attendees.strip()
    if response not in (Invitation.Response.ATTENDING, Invitation.Response.ABSENT):
        raise ServiceError("请选择参加或请假。", code="bad_response")
    if response == Invitation.Response.ATTENDING and not attendees:
        raise ServiceError("确认参加时请填写参会人员姓名和职务。", code="attendees_required")
    invitation.response = response
    invitation.attendees = attendees
    invitation.responded_by = by
    invitation.responded_at = timezone.now()
    save_with_history(invitation, by)
    return invitation


@transaction.atomic
def meeting_mark_held(*, meeting: Meeting, held_on: dt.date, by: User) -> Meeting:
    """已发通知 → 已召开: the first item's status of earlier decisions is frozen as it stood."""
    ensure_office(by)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.NOTIFIED:
        raise ServiceError("只有已发通知的会议才能登记为已召开。", code="not_notified")
    if held_on > today():
        raise ServiceError("实际召开日期不能晚于今天。", code="future")
    meeting.status = Meeting.Status.HELD
    meeting.held_on = held_on
    if not meeting.minutes_overview:
        meeting.minutes_overview = default_overview(meeting)
    save_with_history(meeting, by)
    generated = meeting.agenda_items.filter(is_generated=True).first()
    if generated is not None:
        generated.generated_snapshot = previous_decisions_status(meeting, today=held_on)
        save_with_history(generated, by)
    return meeting


def default_overview(meeting: Meeting) -> str:
    attending = [
        i.name
        for i in meeting.invitations.select_related("unit")
        if i.response == Invitation.Response.ATTENDING
    ]
    convener = meeting.convener
    chair = f"{convener.seat.role.name}{convener.person_name}" if convener else "召集人"
    text = f"{cn_date(meeting.held_on)}，{chair}在{meeting.place or '会议室'}主持召开{meeting.full_title}"
    if meeting.convener_delegated:
        text += f"（{meeting.delegation_note}）"
    text += "。"
    if attending:
        text += f"{'、'.join(attending)}等单位负责同志参加会议。"
    return text + "会议研究了以下事项："
