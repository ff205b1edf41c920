"""督办 that escalates: 延期申请 decided by an approver, 拒签/退回 by the unit, the office's settings.

Repeated 催办 and the escalation to the unit's leaders and the office are reminders
(meetings/reminders.py), sent once per recipient and occasion by the notifications outbox.
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_approver
from core.dates import cn_date
from core.errors import ServiceError
from core.history import save_with_history

from ..models import ExtensionRequest, FollowUpAssignment, FollowUpEvent, FollowUpSetting
from ._common import (
    ensure_office,
    ensure_unit_user_of,
    notify_office,
    notify_units,
    require_reason,
    today,
)
from .followups import _event, _lock

Phase = FollowUpAssignment.Phase


def _url(a: FollowUpAssignment) -> str:
    return reverse("meetings:followup_detail", args=[a.pk])


@transaction.atomic
def followup_refuse(*, assignment: FollowUpAssignment, by: User, reason: str) -> FollowUpAssignment:
    """拒签/退回: the unit says the item is not its to do, with a reason; the office decides next."""
    ensure_unit_user_of(by, assignment.unit_id)
    reason = require_reason(reason, "拒签退回")
    a = _lock(assignment)
    if a.phase not in (Phase.ASSIGNED, Phase.SIGNED):
        raise ServiceError(f"该事项{a.get_phase_display()}，不能拒签退回。", code="bad_phase")
    a.phase = Phase.REFUSED
    save_with_history(a, by)
    event = _event(a, FollowUpEvent.Kind.REFUSED, by, reason)
    notify_office(
        occasion=f"followup:{a.item_id}:{a.unit_id}:refused:{event.pk}",
        subject=f"督办事项被拒签退回：{a.item.title}",
        body=f"{a.unit.name} 拒签退回督办事项“{a.item.title}”，理由：{reason}。请重新交办或调整责任单位。",
        url=_url(a),
    )
    return a


@transaction.atomic
def followup_reassign(
    *, assignment: FollowUpAssignment, by: User, reason: str, deadline: dt.date | None = None
) -> FollowUpAssignment:
    """The office answers a refusal: the unit keeps the item (待签收 again), optionally with a new deadline."""
    ensure_office(by)
    reason = require_reason(reason, "重新交办")
    a = _lock(assignment)
    if a.phase != Phase.REFUSED:
        raise ServiceError("只有被拒签退回的事项才能重新交办。", code="not_refused")
    if deadline is not None:
        if deadline < today():
            raise ServiceError(
                f"办理时限 {cn_date(deadline)} 已过，请填写今天或以后的日期。", code="past_deadline"
            )
        a.deadline = deadline
    a.phase = Phase.ASSIGNED
    a.signed_at = a.signed_by = None
    save_with_history(a, by)
    text = reason + (f"（办理时限调整为 {cn_date(deadline)}）" if deadline else "")
    event = _event(a, FollowUpEvent.Kind.REASSIGNED, by, text)
    notify_units(
        occasion=f"followup:{a.item_id}:{a.unit_id}:reassigned:{event.pk}",
        unit_ids=[a.unit_id],
        subject=f"督办事项重新交办：{a.item.title}",
        body=f"办公室对贵单位拒签退回的督办事项“{a.item.title}”重新交办：{text}。请签收办理。",
        url=_url(a),
    )
    return a


@transaction.atomic
def extension_request(
    *, assignment: FollowUpAssignment, by: User, requested_deadline: dt.date | None, reason: str
) -> ExtensionRequest:
    """延期申请: the unit asks for a later deadline with a reason; an approver decides."""
    ensure_unit_user_of(by, assignment.unit_id)
    reason = require_reason(reason, "申请延期")
    a = _lock(assignment)
    if a.phase not in (Phase.ASSIGNED, Phase.SIGNED):
        raise ServiceError(f"该事项{a.get_phase_display()}，不能申请延期。", code="bad_phase")
    if requested_deadline is None:
        raise ServiceError("请填写申请延至的日期。", code="no_deadline")
    if requested_deadline <= a.deadline:
        raise ServiceError(f"申请延至的日期应晚于现办理时限 {cn_date(a.deadline)}。", code="not_later")
    if requested_deadline < today():
        raise ServiceError(f"申请延至的日期 {cn_date(requested_deadline)} 已过。", code="past_deadline")
    try:
        # race: two requests for the same assignment at once; meetings_extensionrequest_one_pending
        # lets one insert win
        with transaction.atomic():
            request = ExtensionRequest(
                assignment=a,
                old_deadline=a.deadline,
                requested_deadline=requested_deadline,
                reason=reason,
                requested_by=by,
            )
            save_with_history(request, by)
    except IntegrityError as exc:
        raise ServiceError("已有一份延期申请等待审批，请勿重复申请。", code="pending") from exc
    _event(a, FollowUpEvent.Kind.EXTENSION_REQUESTED, by, f"申请延至 {cn_date(requested_deadline)}。{reason}")
    notify_office(
        occasion=f"followup:{a.item_id}:{a.unit_id}:extension:{request.pk}",
        subject=f"延期申请：{a.item.title}",
        body=(
            f"{a.unit.name} 申请将督办事项“{a.item.title}”的办理时限由 {cn_date(a.deadline)} "
            f"延至 {cn_date(requested_deadline)}，理由：{reason}。请办公室负责人审批。"
        ),
        url=_url(a),
    )
    return request


@transaction.atomic
def extension_decide(
    *,
    request: ExtensionRequest,
    by: User,
    approve: bool,
    new_deadline: dt.date | None = None,
    note: str = "",
) -> ExtensionRequest:
    """An office approver approves (with the new deadline, by default the one asked for) or refuses
    (with a reason) a 延期申请."""
    if not is_approver(by):
        raise PermissionDenied("只有办公室负责人可以审批延期申请。")
    # race: two approvers deciding the same request; the row lock makes the second see the first's decision
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ExtensionRequest.Status.PENDING:
        raise ServiceError(f"该延期申请{request.get_status_display()}，不能再次审批。", code="decided")
    a = _lock(request.assignment)
    note = note.strip()
    if approve:
        new_deadline = new_deadline or request.requested_deadline
        if new_deadline <= a.deadline:
            raise ServiceError(f"批准延至的日期应晚于现办理时限 {cn_date(a.deadline)}。", code="not_later")
        if new_deadline < today():
            raise ServiceError(f"批准延至的日期 {cn_date(new_deadline)} 已过。", code="past_deadline")
        request.status = ExtensionRequest.Status.APPROVED
        request.new_deadline = new_deadline
        a.deadline = new_deadline
        save_with_history(a, by)
        kind, text = FollowUpEvent.Kind.EXTENSION_APPROVED, f"办理时限延至 {cn_date(new_deadline)}。{note}"
    else:
        note = require_reason(note, "不同意延期")
        request.status = ExtensionRequest.Status.REFUSED
        kind, text = FollowUpEvent.Kind.EXTENSION_REFUSED, f"维持办理时限 {cn_date(a.deadline)}。{note}"
    request.decision_note = note
    request.decided_by, request.decided_at = by, timezone.now()
    save_with_history(request, by)
    _event(a, kind, by, text.strip())
    notify_units(
        occasion=f"followup:{a.item_id}:{a.unit_id}:extension:{request.pk}:decided",
        unit_ids=[a.unit_id],
        subject=f"延期申请{request.get_status_display()}：{a.item.title}",
        body=f"贵单位关于督办事项“{a.item.title}”的延期申请{request.get_status_display()}：{text.strip()}",
        url=_url(a),
    )
    return request


@transaction.atomic
def followup_setting_update(
    *, by: User, urge_interval_days: int, escalate_after_days: int, leaders: Iterable[User] = ()
) -> FollowUpSetting:
    """The office's 督办 settings; leaders must be member-unit accounts."""
    ensure_office(by)
    if not 1 <= urge_interval_days <= 90:
        raise ServiceError("催办间隔应在 1 至 90 天之间。", code="interval")
    if not 1 <= escalate_after_days <= 365:
        raise ServiceError("逾期升级天数应在 1 至 365 天之间。", code="escalate")
    leaders = list(leaders)
    if any(u.role != User.Role.UNIT or not u.member_unit_id for u in leaders):
        raise ServiceError("单位领导账户只能是成员单位用户。", code="leader_role")
    setting = FollowUpSetting.objects.select_for_update().filter(pk=1).first() or FollowUpSetting.get()
    setting.urge_interval_days = urge_interval_days
    setting.escalate_after_days = escalate_after_days
    save_with_history(setting, by)
    setting.leaders.set(leaders)
    return setting
