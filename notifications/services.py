import logging
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .channels import CHANNELS
from .models import Notification

logger = logging.getLogger(__name__)


def notify(
    *, occasion: str, recipients: Iterable, subject: str, body: str, url: str = ""
) -> list[Notification]:
    """Record a message for each recipient on each channel they can receive; deliver after commit.

    ``occasion`` names the event (e.g. ``report:12:due14``); with the recipient and channel it is
    the delivery's unique key, so calling this twice for the same occasion sends nothing new.
    Returns the rows created by this call.
    """
    created: list[Notification] = []
    now = timezone.now()
    for user in {u.pk: u for u in recipients if u is not None and u.is_active}.values():
        for channel in CHANNELS.values():
            if not channel.wants(user):
                continue
            try:
                # savepoint: a duplicate must not break the caller's transaction
                with transaction.atomic():
                    row = Notification.objects.create(
                        recipient=user,
                        occasion=occasion[:200],
                        channel=channel.code,
                        subject=subject[:200],
                        body=body,
                        url=url,
                        status=Notification.Status.SENT if channel.immediate else Notification.Status.PENDING,
                        sent_at=now if channel.immediate else None,
                    )
            except IntegrityError:
                continue  # already recorded for this occasion: exactly once
            created.append(row)
    if any(n.status == Notification.Status.PENDING for n in created):
        transaction.on_commit(_enqueue_delivery)
    return created


def _enqueue_delivery() -> None:
    from .tasks import deliver_pending

    try:
        deliver_pending.delay()
    except Exception:  # broker down: the rows stay pending and the periodic sweep sends them
        logger.warning("broker unavailable; pending notifications will be sent by the sweep", exc_info=True)


def notification_deliver(*, notification_id: int) -> bool:
    """Send one pending notification. Returns True if this call sent it.

    Claimed by a conditional UPDATE so that two workers (a retried task, a second sweep) never
    both send the same row.
    """
    # race: two workers picking the same pending row; the UPDATE ... WHERE status=pending wins once
    claimed = Notification.objects.filter(
        pk=notification_id, status=Notification.Status.PENDING, sent_at__isnull=True
    ).update(status=Notification.Status.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1)
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    try:
        CHANNELS[notification.channel].send(notification)
    except Exception as exc:
        Notification.objects.filter(pk=notification_id).update(
            status=Notification.Status.PENDING, sent_at=None, last_error=str(exc)[:2000]
        )
        raise
    return True


def pending_notification_ids(limit: int = 500) -> list[int]:
    return list(
        Notification.objects.filter(status=Notification.Status.PENDING)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )


def inbox_mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, channel=Notification.Channel.INAPP, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


def unread_count(user) -> int:
    return Notification.objects.filter(
        recipient=user, channel=Notification.Channel.INAPP, read_at__isnull=True
    ).count()
