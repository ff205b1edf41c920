"""Minutes (会议纪要): written by the office, signed off by an approver, then published."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_approver
from core.errors import ServiceError
from core.history import save_with_history

from ..models import Meeting
from ._common import ensure_office, invited_unit_ids, notify_office, notify_units, require_reason
from .followups import release_meeting_decisions


def _lock(meeting: Meeting) -> Meeting:
    # race: sign-off, return and publish arriving together; the row lock orders them
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


@transaction.atomic
def minutes_update(
    *, meeting: Meeting, by: User, overview: str, minutes_number: str, discussions: dict[int, str]
) -> Meeting:
    """The overview and, per agenda item, the summary of the discussion."""
    ensure_office(by)
    meeting = _lock(meeting)
    if not meeting.minutes_editable:
        raise ServiceError("只有已召开且纪要尚未签发的会议才能编辑纪要。", code="locked")
    meeting.minutes_overview = overview.strip()
    meeting.minutes_number = minutes_number.strip()
    save_with_history(meeting, by)
    for item in meeting.agenda_items.all():
        text = discussions.get(item.pk)
        if text is not None and text.strip() != item.discussion:
            item.discussion = text.strip()
            save_with_history(item, by)
    return meeting


@transaction.atomic
def minutes_sign_off(*, meeting: Meeting, by: User) -> Meeting:
    """签发: only an office approver (办公室负责人) may sign the minutes off."""
    if not is_approver(by):
        raise PermissionDenied("只有办公室负责人可以签发会议纪要。")
    meeting = _lock(meeting)
    if meeting.status != Meeting.Status.HELD or meeting.minutes_signed_at is not None:
        raise ServiceError("只有已召开且尚未签发纪要的会议才能签发。", code="not_signable")
    problems = []
    if not meeting.minutes_overview.strip():
        problems.append("会议概况未填写")
    missing = [i.title for i in meeting.agenda_items.order_by("order") if not i.discussion.strip()]
    if missing:
        problems.append(f"以下议程事项未填写讨论情况：{'；'.join(missing)}")
    if problems:
        raise ServiceError(f"纪要尚不完整，不能签发：{'。'.join(problems)}。", code="incomplete")
    meeting.minutes_signed_by = by
    meeting.minutes_signed_at = timezone.now()
    save_with_history(meeting, by)
    notify_office(
        occasion=f"meeting:{meeting.pk}:minutes_signed",
        subject=f"会议纪要已签发：{meeting.title}",
        body=f"{by.display_name} 已签发{meeting.title}纪要，可以发布。",
        url=reverse("meetings:minutes", args=[meeting.pk]),
    )
    return meeting


@transaction.atomic
def minutes_return(*, meeting: Meeting, by: User, reason: str) -> Meeting:
    """The approver withdraws the signature before publication so the office can correct the minutes."""
    if not is_approver(by):
        raise PermissionDenied("只有办公室负责人可以退回会议纪要。")
    reason = require_reason(reason, "退回纪要")
    meeting = _lock(meeting)
    if meeting.minutes_signed_at is None or meeting.minutes_published_at is not None:
        raise ServiceError("只有已签发、尚未发布的纪要可以退回修改。", code="not_returnable")
    meeting.minutes_signed_by = None
    meeting.minutes_signed_at = None
    save_with_history(meeting, by)
    notify_office(
        occasion=f"meeting:{meeting.pk}:minutes_returned:{meeting.history.count()}",
        subject=f"会议纪要退回修改：{meeting.title}",
        body=reason,
        url=reverse("meetings:minutes", args=[meeting.pk]),
    )
    return meeting


@transaction.atomic
def minutes_publish(*, meeting: Meeting, by: User) -> Meeting:
    """纪要已发布: member units can read the minutes; each decision becomes a follow-up item."""
    ensure_office(by)
    meeting = _lock(meeting)
    if meeting.minutes_published_at is not None:
        raise ServiceError("纪要已发布。", code="published")
    if meeting.status != Meeting.Status.HELD or meeting.minutes_signed_at is None:
        raise ServiceError("纪要须经办公室负责人签发后才能发布。", code="not_signed")
    meeting.status = Meeting.Status.PUBLISHED
    meeting.minutes_published_at = timezone.now()
    save_with_history(meeting, by)
    release_meeting_decisions(meeting=meeting, by=by)
    notify_units(
        occasion=f"meeting:{meeting.pk}:minutes",
        unit_ids=invited_unit_ids(meeting),
        subject=f"会议纪要：{meeting.title}",
        body=f"{meeting.full_title}纪要已发布，请登录平台查阅并落实会议决定事项。",
        url=reverse("meetings:minutes", args=[meeting.pk]),
    )
    return meeting
