"""Home-page panels: a unit's follow-up items and meetings; the office's 督办 overview."""

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_approver, is_office, is_unit_user

from .models import FollowUpAssignment, Meeting
from .rows import workbench_assignment_rows
from .selectors import pending_extensions, pending_topics, released_counts, unit_open_rows
from .status import FollowUpStatus

PANEL_ROWS = 8


def _open_meetings(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return qs.exclude(status=Meeting.Status.PUBLISHED).order_by("year", "half")[:3]


def panels(user: User) -> list[dict]:
    today = timezone.localdate()
    if is_unit_user(user):
        assert user.member_unit_id is not None  # a unit user
        items = workbench_assignment_rows(unit_open_rows(user.member_unit_id, today, limit=PANEL_ROWS))
        meetings = list(_open_meetings(Meeting.objects.filter(invitations__unit_id=user.member_unit_id)))
        return [
            {
                "template": "meetings/_workbench_unit_followups.html",
                "order": 15,
                "items": items,
                "today": today,
            },
            {
                "template": "meetings/_workbench_meetings.html",
                "order": 25,
                "meetings": meetings,
                "today": today,
            },
        ]
    if is_office(user):
        # 销号申请 and 拒签 exist only on released items (units act on what they were sent)
        phases, counts = released_counts(today)
        requested = phases.get(FollowUpAssignment.Phase.REQUESTED, 0)
        refused = phases.get(FollowUpAssignment.Phase.REFUSED, 0)
        extensions = pending_extensions(PANEL_ROWS)
        meetings = list(_open_meetings(Meeting.objects.all()).annotate(pending_topics=pending_topics()))
        to_sign = []
        if is_approver(user):
            to_sign = list(
                Meeting.objects.filter(
                    status=Meeting.Status.HELD, minutes_signed_at__isnull=True, is_history=False
                ).order_by("year", "half")
            )
        return [
            {
                "template": "meetings/_workbench_office.html",
                "order": 20,
                "stats": [{"status": s, "count": counts.get(s.value, 0)} for s in FollowUpStatus],
                "requested": requested,
                "refused": refused,
                "extensions": extensions,
                "meetings": meetings,
                "to_sign": to_sign,
                "today": today,
            }
        ]
    return []
