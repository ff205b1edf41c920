import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import User

from .models import Notification
from .services import UNKNOWN_OUTCOME


def inbox_for(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user, channel=Notification.Channel.INAPP)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def deliveries_for(user: User, *, channel: str | None = None) -> QuerySet[Notification]:
    """Everything sent (or being sent) to the user, every channel, with its status."""
    qs = Notification.objects.filter(recipient=user).select_related("recipient")
    if channel:
        qs = qs.filter(channel=channel)
    return qs.order_by("-created_at", "-id")


def latest_unread(user: User, *, limit: int = 5) -> list[Notification]:
    return list(inbox_for(user, unread_only=True)[:limit])


def outbox_counts() -> dict[str, int]:
    """Number of e-mail (and other non-immediate) deliveries per status, for the office."""
    rows = (
        Notification.objects.exclude(channel=Notification.Channel.INAPP)
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {status: 0 for status in Notification.Status.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def outbox_problems() -> QuerySet[Notification]:
    """Deliveries that need a look: not sent yet, being sent, or failed; oldest first."""
    return (
        Notification.objects.exclude(channel=Notification.Channel.INAPP)
        .exclude(status=Notification.Status.SENT)
        .select_related("recipient")
        .order_by("status", "created_at", "id")
    )


def unknown_outcome() -> QuerySet[Notification]:
    """E-mails whose send was interrupted (worker died, time limit): maybe sent, never re-sent by itself."""
    return (
        Notification.objects.exclude(channel=Notification.Channel.INAPP)
        .filter(status=Notification.Status.FAILED, last_error=UNKNOWN_OUTCOME)
        .select_related("recipient")
        .order_by("created_at", "id")
    )


def outbox_overdue(*, older_than: dt.timedelta) -> QuerySet[Notification]:
    """Rows due for sending for longer than ``older_than`` (the sweep should have sent them)."""
    cutoff = timezone.now() - older_than
    return Notification.objects.filter(status=Notification.Status.PENDING).filter(
        Q(next_attempt_at__isnull=True, created_at__lt=cutoff) | Q(next_attempt_at__lt=cutoff)
    )
