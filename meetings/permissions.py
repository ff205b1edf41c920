"""Object access for meetings and follow-up items.

Office staff see everything. A member-unit user sees the meetings its unit is invited to, its own
unit's topics and its own unit's released follow-up items; anything else is 404. Enterprises and
the platform admin get 403 on every page here (role check).
"""

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from accounts.permissions import AnyUser, is_office, is_unit_user, require

from .models import FollowUpAssignment, Meeting, Topic


def can_use_meetings(user: AnyUser) -> bool:
    return is_office(user) or is_unit_user(user)


meetings_user_required = require(can_use_meetings)


def visible_meetings(user: User) -> QuerySet[Meeting]:
    if is_office(user):
        return Meeting.objects.all()
    return Meeting.objects.filter(invitations__unit_id=user.member_unit_id).distinct()


def get_meeting_for_user(user: User, pk: int | str) -> Meeting:
    meeting = visible_meetings(user).filter(pk=pk).select_related("convener__seat__unit").first()
    if meeting is None:
        raise Http404("会议不存在")
    return meeting


def get_topic_for_user(user: User, pk: int | str) -> Topic:
    topics = Topic.objects.select_related("meeting", "unit", "proposed_by", "business_kind")
    if not is_office(user):
        topics = topics.filter(unit_id=user.member_unit_id, meeting__invitations__unit_id=user.member_unit_id)
    topic = topics.filter(pk=pk).first()
    if topic is None:
        raise Http404("议题不存在")
    return topic


def visible_assignments(user: User) -> QuerySet[FollowUpAssignment]:
    qs = FollowUpAssignment.objects.all()
    if is_office(user):
        return qs
    return qs.released().filter(unit_id=user.member_unit_id)


def get_assignment_for_user(user: User, pk: int | str) -> FollowUpAssignment:
    assignment = (
        visible_assignments(user)
        .select_related("item__agenda_item__meeting", "item__work_plan", "unit", "signed_by", "closed_by")
        .filter(pk=pk)
        .first()
    )
    if assignment is None:
        raise Http404("督办事项不存在")
    return assignment


def can_see_agenda(user: AnyUser, meeting: Meeting) -> bool:
    return is_office(user) or meeting.status != Meeting.Status.PREPARING


def can_see_minutes(user: AnyUser, meeting: Meeting) -> bool:
    if is_office(user):
        return meeting.status in (Meeting.Status.HELD, Meeting.Status.PUBLISHED)
    return meeting.status == Meeting.Status.PUBLISHED
