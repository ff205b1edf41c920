"""Topics (第五条: units propose; 第四条: the office drafts and curates) and the ordered agenda."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_unit_user
from core.dates import cn_date
from core.errors import ServiceError
from core.history import delete_with_history, save_with_history

from ..models import AgendaItem, BusinessKind, Invitation, Meeting, Topic
from ..selectors import next_meeting
from ._common import ensure_office, notify_office, notify_units, require_reason, today
from .meeting import carry_topic


def _ensure_agenda_open(meeting: Meeting) -> None:
    if not meeting.is_open_for_topics:
        raise ServiceError("会议已召开，议题和议程不能再调整。", code="held")


@transaction.atomic
def topic_propose(
    *,
    meeting: Meeting,
    by: User,
    title: str,
    background: str,
    request: str,
    business_kind: BusinessKind | None = None,
    files: Iterable[UploadedFile] = (),
) -> Topic:
    """A member unit proposes a topic before the deadline of the topic call."""
    unit = by.member_unit
    if not is_unit_user(by) or unit is None:
        raise PermissionDenied("只有成员单位用户可以提出议题。")
    if not Invitation.objects.filter(meeting=meeting, unit=unit).exists():
        raise ServiceError(f"{unit.name} 未受邀参加{meeting.title}，不能提出议题。", code="not_invited")
    if not meeting.is_open_for_topics:
        raise ServiceError(f"{meeting.title}已召开，议题征集已结束。", code="held")
    if today() > meeting.topic_deadline:
        raise ServiceError(
            f"议题征集已于 {cn_date(meeting.topic_deadline)} 截止，不能再提交议题。",
            code="deadline_passed",
        )
    topic = Topic(
        meeting=meeting,
        unit=unit,
        proposed_by=by,
        title=title.strip(),
        background=background.strip(),
        request=request.strip(),
        business_kind=business_kind,
    )
    save_with_history(topic, by)
    for f in files:
        topic.attachments.create(file=f, name=(f.name or "")[:200])
    notify_office(
        occasion=f"topic:{topic.pk}:submitted",
        subject=f"新议题：{topic.title}",
        body=f"{unit.name} 为{meeting.title}提出议题“{topic.title}”，请审核。",
        url=reverse("meetings:topic_detail", args=[topic.pk]),
    )
    return topic


def _lock_for_decision(topic: Topic, by: User) -> Topic:
    ensure_office(by)
    # race: two office users deciding the same topic; the row lock makes the second see the first's result
    topic = Topic.objects.select_for_update(of=("self",)).select_related("meeting", "unit").get(pk=topic.pk)
    if topic.status != Topic.Status.SUBMITTED:
        raise ServiceError(f"该议题已处理（{topic.get_status_display()}），请刷新页面。", code="decided")
    _ensure_agenda_open(topic.meeting)
    return topic


def _decided(topic: Topic, by: User, status: str, reason: str) -> None:
    topic.status = status
    topic.reason = reason
    topic.decided_by = by
    topic.decided_at = timezone.now()
    save_with_history(topic, by)
    notify_units(
        occasion=f"topic:{topic.pk}:decided",
        unit_ids=[topic.unit_id],
        subject=f"议题处理结果：{topic.title}",
        body=f"贵单位提出的议题“{topic.title}”：{topic.get_status_display()}。{reason}",
        url=reverse("meetings:topic_detail", args=[topic.pk]),
    )


def _next_order(meeting: Meeting) -> int:
    return (meeting.agenda_items.aggregate(m=Max("order"))["m"] or 0) + 1


@transaction.atomic
def topic_accept(
    *, topic: Topic, by: User, business_kind: BusinessKind, title: str = "", reason: str = ""
) -> AgendaItem:
    """The topic goes onto the agenda, at the end, tagged with its kind of business (第二条)."""
    topic = _lock_for_decision(topic, by)
    item = AgendaItem(
        meeting=topic.meeting,
        order=_next_order(topic.meeting),
        title=(title or topic.title).strip(),
        business_kind=business_kind,
        topic=topic,
        presenter=topic.unit.name,
    )
    save_with_history(item, by)
    topic.business_kind = business_kind
    _decided(topic, by, Topic.Status.ACCEPTED, reason.strip())
    return item


@transaction.atomic
def topic_merge(*, topic: Topic, into: Topic, by: User, reason: str) -> Topic:
    """The topic is discussed under another accepted topic of the same meeting."""
    reason = require_reason(reason, "合并议题")
    topic = _lock_for_decision(topic, by)
    into = Topic.objects.get(pk=into.pk)
    if into.pk == topic.pk or into.meeting_id != topic.meeting_id or into.status != Topic.Status.ACCEPTED:
        raise ServiceError("只能并入本次会议已列入议程的其他议题。", code="bad_target")
    topic.merged_into = into
    _decided(topic, by, Topic.Status.MERGED, reason)
    return topic


@transaction.atomic
def topic_defer(*, topic: Topic, by: User, reason: str) -> Topic:
    """缓议: the topic moves to the next meeting (now if it exists, otherwise when it is drafted)."""
    reason = require_reason(reason, "缓议")
    topic = _lock_for_decision(topic, by)
    _decided(topic, by, Topic.Status.DEFERRED, reason)
    upcoming = next_meeting(topic.meeting)
    if upcoming is not None and upcoming.is_open_for_topics:
        carry_topic(topic=topic, to=upcoming, by=by)
    return topic


@transaction.atomic
def topic_decline(*, topic: Topic, by: User, reason: str) -> Topic:
    reason = require_reason(reason, "不予采纳")
    topic = _lock_for_decision(topic, by)
    _decided(topic, by, Topic.Status.DECLINED, reason)
    return topic


@transaction.atomic
def agenda_item_add(
    *, meeting: Meeting, by: User, title: str, business_kind: BusinessKind, presenter: str = ""
) -> AgendaItem:
    """An item drafted by the office itself (第四条: 负责联席会议议题的拟定)."""
    ensure_office(by)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not (meeting.is_open_for_topics or meeting.minutes_editable):
        raise ServiceError("会议纪要已签发，议程不能再调整。", code="locked")
    title = title.strip()
    if not title:
        raise ServiceError("请填写议程事项。", code="required")
    item = AgendaItem(
        meeting=meeting,
        order=_next_order(meeting),
        title=title,
        business_kind=business_kind,
        presenter=presenter.strip() or "委员会办公室",
    )
    save_with_history(item, by)
    return item


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, by: User, up: bool) -> AgendaItem:
    """Swap with the neighbouring item; the generated first item always stays first."""
    ensure_office(by)
    meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    _ensure_agenda_open(meeting)
    items = list(meeting.agenda_items.order_by("order", "id"))
    movable = [i for i in items if not i.is_generated]
    idx = next((n for n, i in enumerate(movable) if i.pk == item.pk), None)
    if idx is None:
        raise ServiceError("第一项“上次会议决定事项落实情况”固定在首位。", code="fixed")
    other = idx - 1 if up else idx + 1
    if not 0 <= other < len(movable):
        return item
    movable[idx], movable[other] = movable[other], movable[idx]
    ordered = [i for i in items if i.is_generated] + movable
    for position, agenda_item in enumerate(ordered, start=1):
        if agenda_item.order != position:
            agenda_item.order = position
            save_with_history(agenda_item, by)
    return item


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, by: User) -> None:
    """Take an item off the agenda; its topic (and topics merged into it) go back to 待审核."""
    ensure_office(by)
    meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    _ensure_agenda_open(meeting)
    if item.is_generated:
        raise ServiceError("第一项“上次会议决定事项落实情况”不能删除（第二条(六)）。", code="fixed")
    if item.decisions.exists():
        raise ServiceError("该议程事项已有决定事项，不能删除。", code="has_decisions")
    topic = item.topic
    if topic is not None:
        for merged in topic.merged.all():
            merged.status, merged.merged_into, merged.reason = Topic.Status.SUBMITTED, None, ""
            save_with_history(merged, by)
        topic.status, topic.reason = Topic.Status.SUBMITTED, ""
        save_with_history(topic, by)
    delete_with_history(item, by)
