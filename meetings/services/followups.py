"""督办: follow-up items for meeting decisions and work-plan tasks, one mechanism for both (第四条).

A unit signs for its part (签收), reports progress with evidence, asks for closure; an office
approver closes it (销号), or the office sends it back. Each step is an event on the assignment's timeline.
"""

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_approver
from committee.models import MemberUnit
from core.dates import cn_date
from core.errors import ServiceError
from core.history import delete_with_history, save_with_history
from core.policy import policy_document

from ..models import AgendaItem, FollowUpAssignment, FollowUpEvent, FollowUpItem, Meeting, WorkPlan
from ._common import (
    ensure_office,
    ensure_unit_user_of,
    notify_office,
    notify_units,
    require_reason,
    today,
)


def _clean_units(lead_unit: MemberUnit | None, co_units: Iterable[MemberUnit] | None) -> list[MemberUnit]:
    if lead_unit is None:
        raise ServiceError("请指定牵头单位：每项决定事项都要落实到单位。", code="no_unit")
    co = [u for u in (co_units or []) if u.pk != lead_unit.pk]
    return [lead_unit, *sorted(set(co), key=lambda u: (u.order, u.pk))]


def _check_deadline(deadline: dt.date | None, *, history_held_on: dt.date | None = None) -> dt.date:
    """A deadline for new work is today or later; a decision entered as history (its meeting held
    on ``history_held_on``) keeps its real past deadline, which cannot precede the meeting itself."""
    if deadline is None:
        raise ServiceError("请填写办理时限。", code="no_deadline")
    if history_held_on is not None:
        if deadline < history_held_on:
            raise ServiceError(
                f"办理时限 {cn_date(deadline)} 早于会议召开日期 {cn_date(history_held_on)}。",
                code="deadline_before_meeting",
            )
        return deadline
    if deadline < today():
        raise ServiceError(
            f"办理时限 {cn_date(deadline)} 已过，请填写今天或以后的日期。", code="past_deadline"
        )
    return deadline


def _history_held_on(meeting: Meeting | None) -> dt.date | None:
    """The day a meeting entered as history was held; None for any other meeting (or none)."""
    if meeting is None or not meeting.is_history:
        return None
    assert meeting.held_on is not None  # a history meeting has its date (a constraint)
    return meeting.held_on


class HistoryState:
    """The real state of a decision entered as history (历史补录)."""

    CLOSED = "closed"  # 已销号, on ``completed_on``
    SIGNED = "signed"  # 办理中
    ASSIGNED = "assigned"  # 未签收
    CHOICES = [(CLOSED, "已销号"), (SIGNED, "办理中"), (ASSIGNED, "未签收")]
    LABELS = {label: code for code, label in CHOICES}


def check_history_state(state: str, completed_on: dt.date | None, *, held_on: dt.date) -> None:
    if state not in dict(HistoryState.CHOICES):
        raise ServiceError("办理状态应为“已销号”“办理中”或“未签收”。", code="bad_state")
    if state == HistoryState.CLOSED:
        if completed_on is None:
            raise ServiceError("已销号的事项请填写办结日期。", code="no_completed_on")
        if completed_on < held_on:
            raise ServiceError(
                f"办结日期 {cn_date(completed_on)} 早于会议召开日期 {cn_date(held_on)}。", code="early_close"
            )
        if completed_on > today():
            raise ServiceError(f"办结日期 {cn_date(completed_on)} 晚于今天。", code="future_close")
    elif completed_on is not None:
        raise ServiceError("尚未销号的事项不应填写办结日期。", code="completed_on_open")


def _write_item(
    item: FollowUpItem,
    *,
    by: User,
    deadline: dt.date | None,
    lead_unit: MemberUnit | None,
    co_units: Iterable[MemberUnit] | None,
    state: str = "",
    completed_on: dt.date | None = None,
) -> FollowUpItem:
    """Check and save the item with its deadline and its units' assignments."""
    units = _clean_units(lead_unit, co_units)
    item.title = item.title.strip()
    if not item.title:
        raise ServiceError("请填写事项内容。", code="no_title")
    held_on = _history_held_on(item.agenda_item.meeting if item.agenda_item is not None else None)
    item.deadline = _check_deadline(deadline, history_held_on=held_on)
    if held_on is not None:
        check_history_state(state or HistoryState.SIGNED, completed_on, held_on=held_on)
    save_with_history(item, by)
    item.assignments.all().delete()
    for n, unit in enumerate(units):
        role = FollowUpAssignment.Role.LEAD if n == 0 else FollowUpAssignment.Role.SUPPORT
        a = FollowUpAssignment(item=item, unit=unit, role=role, deadline=item.deadline)
        if held_on is not None:
            _apply_history_state(a, state or HistoryState.SIGNED, completed_on, by=by, held_on=held_on)
        save_with_history(a, by)
    return item


def _apply_history_state(
    a: FollowUpAssignment, state: str, completed_on: dt.date | None, *, by: User, held_on: dt.date
) -> None:
    """The assignment as it really stood: signed on the meeting day, closed on ``completed_on``."""
    held_at = timezone.make_aware(dt.datetime.combine(held_on, dt.time(9)))
    if state in (HistoryState.SIGNED, HistoryState.CLOSED):
        a.phase = FollowUpAssignment.Phase.SIGNED
        a.signed_at = held_at
    if state == HistoryState.CLOSED:
        assert completed_on is not None  # check_history_state requires it
        closed_at = timezone.make_aware(dt.datetime.combine(completed_on, dt.time(17)))
        a.phase = FollowUpAssignment.Phase.CLOSED
        a.completed_on = completed_on
        a.closure_requested_at = closed_at
        a.closed_at, a.closed_by = closed_at, by


def _release(item: FollowUpItem, by: User) -> None:
    """Make the item visible to its units and tell them (minutes published, or a work-plan task)."""
    item.released_at = timezone.now()
    save_with_history(item, by)
    for a in item.assignments.select_related("unit"):
        FollowUpEvent.objects.create(assignment=a, kind=FollowUpEvent.Kind.RELEASED, by=by)
        notify_units(
            occasion=f"followup:{item.pk}:{a.unit_id}:released",
            unit_ids=[a.unit_id],
            subject=f"督办事项：{item.title}",
            body=(
                f"贵单位为{a.get_role_display()}单位，来源：{item.source_label}，办理时限 {cn_date(item.deadline)}。"
                "请登录平台签收并按时报送办理情况。"
            ),
            url=reverse("meetings:followup_detail", args=[a.pk]),
        )


# --- meeting decisions ---------------------------------------------------------------------


def _ensure_minutes_editable(agenda_item: AgendaItem | None) -> None:
    assert agenda_item is not None  # a decision is taken on an agenda item
    meeting = agenda_item.meeting
    if not meeting.minutes_editable:
        raise ServiceError("只有已召开且纪要尚未签发的会议才能记录或修改决定事项。", code="locked")


@transaction.atomic
def decision_create(
    *,
    agenda_item: AgendaItem,
    by: User,
    title: str,
    lead_unit: MemberUnit | None,
    deadline: dt.date | None,
    co_units: Iterable[MemberUnit] | None = (),
    content: str = "",
    state: str = "",
    completed_on: dt.date | None = None,
) -> FollowUpItem:
    """A decision of the meeting: it becomes a follow-up item when the minutes are published.

    For a meeting entered as history, ``state`` (HistoryState) and ``completed_on`` give the
    decision's real state; its deadline may be in the past."""
    ensure_office(by)
    _ensure_minutes_editable(agenda_item)
    item = FollowUpItem(
        source=FollowUpItem.Source.MEETING,
        agenda_item=agenda_item,
        year=agenda_item.meeting.year,
        title=title,
        content=content.strip(),
        order=agenda_item.decisions.count() + 1,
        created_by=by,
    )
    return _write_item(
        item,
        by=by,
        deadline=deadline,
        lead_unit=lead_unit,
        co_units=co_units,
        state=state,
        completed_on=completed_on,
    )


@transaction.atomic
def decision_update(
    *,
    item: FollowUpItem,
    by: User,
    title: str,
    lead_unit: MemberUnit | None,
    deadline: dt.date | None,
    co_units: Iterable[MemberUnit] | None = (),
    content: str = "",
    state: str = "",
    completed_on: dt.date | None = None,
) -> FollowUpItem:
    ensure_office(by)
    item = (
        FollowUpItem.objects.select_for_update(of=("self",))
        .select_related("agenda_item__meeting")
        .get(pk=item.pk)
    )
    _ensure_minutes_editable(item.agenda_item)
    item.title, item.content = title, content.strip()
    return _write_item(
        item,
        by=by,
        deadline=deadline,
        lead_unit=lead_unit,
        co_units=co_units,
        state=state,
        completed_on=completed_on,
    )


@transaction.atomic
def decision_delete(*, item: FollowUpItem, by: User) -> None:
    ensure_office(by)
    _ensure_minutes_editable(item.agenda_item)
    delete_with_history(item, by)


def release_meeting_decisions(*, meeting: Meeting, by: User) -> int:
    items = FollowUpItem.objects.filter(agenda_item__meeting=meeting, released_at__isnull=True)
    count = 0
    for item in items.select_related("agenda_item__meeting"):
        if meeting.is_history:
            _release_history(item, by)
        else:
            _release(item, by)
        count += 1
    return count


def _release_history(item: FollowUpItem, by: User) -> None:
    """A decision of a meeting entered as history: visible with its real state, nobody is told
    (the units did this work years ago); open items are chased by the daily reminders."""
    item.released_at = timezone.now()
    save_with_history(item, by)
    for a in item.assignments.all():
        text = f"历史补录：{a.get_phase_display()}"
        if a.completed_on:
            text += f"，办结日期 {cn_date(a.completed_on)}"
        FollowUpEvent.objects.create(assignment=a, kind=FollowUpEvent.Kind.HISTORY, by=by, text=text)


# --- annual work plan ----------------------------------------------------------------------


@transaction.atomic
def workplan_create(*, year: int, title: str, by: User, note: str = "") -> WorkPlan:
    ensure_office(by)
    title = title.strip() or f"{year}年{policy_document().program_name or '质量品牌'}工作计划"
    try:
        with transaction.atomic():
            plan = WorkPlan(year=year, title=title, note=note.strip(), created_by=by)
            save_with_history(plan, by)
    except IntegrityError as exc:
        raise ServiceError(f"{year}年的年度工作计划已存在。", code="duplicate") from exc
    return plan


@transaction.atomic
def workplan_task_create(
    *,
    work_plan: WorkPlan,
    by: User,
    title: str,
    lead_unit: MemberUnit | None,
    deadline: dt.date | None,
    co_units: Iterable[MemberUnit] | None = (),
    content: str = "",
) -> FollowUpItem:
    """第四条: a task of the annual work plan, assigned to member units and followed like a decision."""
    ensure_office(by)
    item = FollowUpItem(
        source=FollowUpItem.Source.WORK_PLAN,
        work_plan=work_plan,
        year=work_plan.year,
        title=title,
        content=content.strip(),
        order=work_plan.tasks.count() + 1,
        created_by=by,
    )
    _write_item(item, by=by, deadline=deadline, lead_unit=lead_unit, co_units=co_units)
    _release(item, by)
    return item


# --- the unit's part and the office's closure ------------------------------------------------


def _lock(assignment: FollowUpAssignment) -> FollowUpAssignment:
    # race: the unit and the office acting on the same assignment at once (e.g. a report arriving
    # while the office closes it); the row lock serialises them and each re-checks the phase
    return (
        FollowUpAssignment.objects.select_for_update(of=("self",))
        .select_related("item", "unit")
        .get(pk=assignment.pk, item__released_at__isnull=False)
    )


def _event(
    assignment: FollowUpAssignment, kind: str, by: User, text: str = "", files: Sequence[UploadedFile] = ()
) -> FollowUpEvent:

    event = FollowUpEvent.objects.create(assignment=assignment, kind=kind, by=by, text=text)
    for f in files:
        event.evidence.create(file=f, name=(f.name or "")[:200])
    return event


def _ensure_not_closed(a: FollowUpAssignment) -> None:
    if a.phase == FollowUpAssignment.Phase.CLOSED:
        raise ServiceError("该事项已销号办结，不能再操作。", code="closed")
    if a.phase == FollowUpAssignment.Phase.REFUSED:
        raise ServiceError("该事项已拒签退回，等待办公室重新交办。", code="refused")


@transaction.atomic
def followup_sign(*, assignment: FollowUpAssignment, by: User) -> FollowUpAssignment:
    """签收: the unit acknowledges the item."""
    ensure_unit_user_of(by, assignment.unit_id)
    a = _lock(assignment)
    if a.phase != FollowUpAssignment.Phase.ASSIGNED:
        raise ServiceError("该事项已签收。", code="signed")
    a.phase = FollowUpAssignment.Phase.SIGNED
    a.signed_at, a.signed_by = timezone.now(), by
    save_with_history(a, by)
    _event(a, FollowUpEvent.Kind.SIGNED, by)
    return a


@transaction.atomic
def followup_report(
    *, assignment: FollowUpAssignment, by: User, text: str, files: Sequence[UploadedFile] = ()
) -> FollowUpEvent:
    """第五条: the unit reports how far it has got, with evidence."""
    ensure_unit_user_of(by, assignment.unit_id)
    a = _lock(assignment)
    _ensure_not_closed(a)
    if a.phase == FollowUpAssignment.Phase.ASSIGNED:
        raise ServiceError("请先签收该事项，再报送办理进展。", code="not_signed")
    text = text.strip()
    if not text:
        raise ServiceError("请填写办理进展。", code="no_text")
    a.last_report_at = timezone.now()
    save_with_history(a, by)
    return _event(a, FollowUpEvent.Kind.PROGRESS, by, text, files)


@transaction.atomic
def followup_request_closure(
    *, assignment: FollowUpAssignment, by: User, text: str, files: Sequence[UploadedFile] = ()
) -> FollowUpEvent:
    """The unit says the work is done and asks the office to close the item."""
    ensure_unit_user_of(by, assignment.unit_id)
    a = _lock(assignment)
    _ensure_not_closed(a)
    if a.phase == FollowUpAssignment.Phase.ASSIGNED:
        raise ServiceError("请先签收该事项。", code="not_signed")
    if a.phase == FollowUpAssignment.Phase.REQUESTED:
        raise ServiceError("已申请销号，请等待办公室审核。", code="requested")
    text = text.strip()
    if not text:
        raise ServiceError("请填写办结情况。", code="no_text")
    now = timezone.now()
    a.phase = FollowUpAssignment.Phase.REQUESTED
    a.closure_requested_at = a.last_report_at = now
    save_with_history(a, by)
    event = _event(a, FollowUpEvent.Kind.CLOSURE_REQUESTED, by, text, files)
    notify_office(
        occasion=f"followup:{a.item_id}:{a.unit_id}:closure:{event.pk}",
        subject=f"申请销号：{a.item.title}",
        body=f"{a.unit.name} 申请对督办事项“{a.item.title}”销号，请审核。",
        url=reverse("meetings:followup_detail", args=[a.pk]),
    )
    return event


@transaction.atomic
def followup_close(*, assignment: FollowUpAssignment, by: User, note: str = "") -> FollowUpAssignment:
    """销号: an office approver accepts the unit's closure request (docs/design.md: the approver closes
    follow-up items). Timeliness counts from the request date."""
    if not is_approver(by):
        raise PermissionDenied("只有办公室负责人可以对督办事项销号。")
    a = _lock(assignment)
    if a.phase != FollowUpAssignment.Phase.REQUESTED:
        raise ServiceError("只有单位已申请销号的事项才能销号。", code="not_requested")
    a.phase = FollowUpAssignment.Phase.CLOSED
    a.completed_on = timezone.localdate(a.closure_requested_at)
    a.closed_at, a.closed_by = timezone.now(), by
    save_with_history(a, by)
    _event(a, FollowUpEvent.Kind.CLOSED, by, note.strip())
    notify_units(
        occasion=f"followup:{a.item_id}:{a.unit_id}:closed",
        unit_ids=[a.unit_id],
        subject=f"已销号：{a.item.title}",
        body=f"督办事项“{a.item.title}”已由办公室销号办结。",
        url=reverse("meetings:followup_detail", args=[a.pk]),
    )
    return a


@transaction.atomic
def followup_return(*, assignment: FollowUpAssignment, by: User, reason: str) -> FollowUpAssignment:
    """The office sends a closure request back: the unit keeps working on it."""
    ensure_office(by)
    reason = require_reason(reason, "退回")
    a = _lock(assignment)
    if a.phase != FollowUpAssignment.Phase.REQUESTED:
        raise ServiceError("只有单位已申请销号的事项才能退回。", code="not_requested")
    a.phase = FollowUpAssignment.Phase.SIGNED
    a.closure_requested_at = None
    save_with_history(a, by)
    event = _event(a, FollowUpEvent.Kind.RETURNED, by, reason)
    notify_units(
        occasion=f"followup:{a.item_id}:{a.unit_id}:returned:{event.pk}",
        unit_ids=[a.unit_id],
        subject=f"销号申请被退回：{a.item.title}",
        body=f"办公室退回了督办事项“{a.item.title}”的销号申请：{reason}",
        url=reverse("meetings:followup_detail", args=[a.pk]),
    )
    return a
