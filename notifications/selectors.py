from django.db.models import Count

from .models import Notification


def inbox_for(user, *, unread_only: bool = False):
    qs = Notification.objects.filter(recipient=user, channel=Notification.Channel.INAPP)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def deliveries_for(user, *, channel: str | None = None):
    """Everything sent (or being sent) to the user, every channel, with its status."""
    qs = Notification.objects.filter(recipient=user).select_related("recipient")
    if channel:
        qs = qs.filter(channel=channel)
    return qs.order_by("-created_at", "-id")


def latest_unread(user, *, limit: int = 5) -> list[Notification]:
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


def outbox_problems():
    """Deliveries that need a look: not sent yet, being sent, or failed; oldest first."""
    return (
        Notification.objects.exclude(channel=Notification.Channel.INAPP)
        .exclude(status=Notification.Status.SENT)
        .select_related("recipient")
        .order_by("status", "created_at", "id")
    )
