"""Recording and delivering notifications: the outbox.

``notify`` only writes rows (inside the caller's transaction) and, after commit, asks a worker to
deliver them. The rows are the outbox: if the broker is down the caller's action still commits,
the rows stay 待发送 and the periodic sweep (``notifications.tasks.deliver_pending``, every minute)
sends them once the worker runs again.

Exactly once: a row is unique per (occasion, recipient, channel), and a worker sends a row only
after claiming it with a conditional UPDATE 待发送 → 发送中 that succeeds for one worker only. A
worker that dies between the claim and the end of the send leaves the row 发送中; the sweep turns
such a stale claim into 发送失败 ("状态未知") and never re-sends it by itself, because the mail may
already have left. The office can resend it by hand (a conscious decision, see docs/scheduler.md).
"""

import datetime as dt
import hashlib
import logging
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from accounts.selectors import office_users
from core import broker, sql
from core.text import header_safe

from .channels import CHANNELS
from .models import Notification

logger = logging.getLogger(__name__)

# a refused send is tried again after 1, 2, 4, 8, 16 minutes, then given up (发送失败)
MAX_ATTEMPTS = 6
BACKOFF_BASE_SECONDS = 60
# a claim older than this belongs to a dead worker: longer than the delivery task's hard time limit
STALE_CLAIM_AFTER = timedelta(minutes=15)
UNKNOWN_OUTCOME = (
    "发送过程中断（工作进程退出或超时），无法确认邮件是否已发出；为避免重复发送，系统不再自动重发。"
)

NO_RECIPIENT = "收件人已停用或未登记该渠道的地址，未发送。"

_local = threading.local()


def notify(
    *,
    occasion: str,
    recipients: Iterable[User],
    subject: str,
    body: str,
    url: str = "",
    channels: Iterable[str] | None = None,
) -> list[Notification]:
    """Record a message for each recipient on each channel they can receive; deliver after commit.

    ``occasion`` names the event (e.g. ``report:12:due14``); with the recipient and channel it is
    the delivery's unique key, so calling this twice for the same occasion sends nothing new.
    ``channels`` limits the channels (codes of ``Notification.Channel``); default: all.
    Returns the rows created by this call.
    """
    wanted = [c for code, c in CHANNELS.items() if channels is None or code in set(channels)]
    created: list[Notification] = []
    now = timezone.now()
    for user in {u.pk: u for u in recipients if u is not None and u.is_active}.values():
        for channel in wanted:
            if not channel.wants(user):
                continue
            try:
                # savepoint: a duplicate must not break the caller's transaction
                with transaction.atomic():
                    row = Notification.objects.create(
                        recipient=user,
                        occasion=occasion[:200],
                        channel=channel.code,
                        subject=header_safe(subject)[:200],  # names end up in an e-mail header
                        body=body,
                        url=url[:300],
                        status=Notification.Status.SENT if channel.immediate else Notification.Status.PENDING,
                        sent_at=now if channel.immediate else None,
                    )
            except IntegrityError:
                continue  # already recorded for this occasion: exactly once
            created.append(row)
    pending = [n.pk for n in created if n.status == Notification.Status.PENDING]
    if pending:
        batch = getattr(_local, "batch", None)
        if batch is not None:
            batch.extend(pending)
        else:
            transaction.on_commit(lambda: enqueue_delivery(pending))
    return created


@contextmanager
def delivery_batch() -> Iterator[None]:
    """Collect the rows of many ``notify`` calls and enqueue one delivery task at the end.

    Used by the scheduled jobs that notify hundreds of people in one run.
    """
    outer = getattr(_local, "batch", None)
    if outer is not None:  # nested: the outermost batch enqueues
        yield
        return
    batch: list[int] = []
    _local.batch = batch
    try:
        yield
    finally:
        _local.batch = None
        if batch:  # also after an error: what was committed goes out now, not at the next sweep
            transaction.on_commit(lambda: enqueue_delivery(batch))


def enqueue_delivery(notification_ids: list[int]) -> bool:
    """Ask a worker to deliver these rows now. Never raises nor waits long: the sweep is the safety net."""
    from .tasks import deliver_notifications

    return broker.publish(deliver_notifications, notification_ids)


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0))


def notification_deliver(*, notification_id: int) -> bool:
    """Send one pending notification. Returns True if this call sent it.

    At most once: the row is claimed before the send, so a retried task, a second sweep or a
    redelivered message finds it 发送中 or 已发送 and does nothing.
    """
    now = timezone.now()
    # race: two workers picking the same pending row; the UPDATE ... WHERE status=pending wins once
    claimed = (
        Notification.objects.filter(pk=notification_id, status=Notification.Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=Notification.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    claimed_row = Notification.objects.filter(pk=notification_id, status=Notification.Status.SENDING)
    channel = CHANNELS[notification.channel]
    if not (notification.recipient.is_active and channel.wants(notification.recipient)):
        # deactivated, or the address was removed after the message was recorded: nobody to send to
        claimed_row.update(status=Notification.Status.FAILED, last_error=NO_RECIPIENT)
        return False
    try:
        channel.send(notification)
    except SoftTimeLimitExceeded:
        # interrupted at an unknown point of the send: never retried automatically
        claimed_row.update(status=Notification.Status.FAILED, last_error=UNKNOWN_OUTCOME)
        raise
    except Exception as exc:  # refused by the transport: nothing left, so retrying is safe
        logger.warning("notification %s not sent: %s", notification_id, exc)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if notification.attempts >= MAX_ATTEMPTS:
            claimed_row.update(status=Notification.Status.FAILED, last_error=error)
        else:
            claimed_row.update(
                status=Notification.Status.PENDING,
                last_error=error,
                next_attempt_at=timezone.now() + _backoff(notification.attempts),
            )
        return False
    claimed_row.update(status=Notification.Status.SENT, sent_at=timezone.now(), last_error="")
    return True


def notifications_deliver(*, notification_ids: Iterable[int], deadline: float | None = None) -> int:
    """Deliver the given rows (those still pending and due); stop claiming new ones at ``deadline``."""
    sent = 0
    for notification_id in notification_ids:
        if deadline is not None and time.monotonic() > deadline:
            break
        if notification_deliver(notification_id=notification_id):
            sent += 1
    return sent


def outbox_due_ids(*, limit: int = 200) -> list[int]:
    now = timezone.now()
    return list(
        Notification.objects.filter(status=Notification.Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )


def outbox_release_stale_claims(*, now: dt.datetime | None = None) -> int:
    """Mark claims left by dead workers as failed with an unknown outcome (never re-sent)."""
    now = now or timezone.now()
    return Notification.objects.filter(
        status=Notification.Status.SENDING, claimed_at__lt=now - STALE_CLAIM_AFTER
    ).update(status=Notification.Status.FAILED, last_error=UNKNOWN_OUTCOME)


def notification_resend(*, notification_id: int) -> bool:
    """The office decides to send a failed message again (possibly a second copy if it had left)."""
    # race: two clicks on 重新发送; only a row still 发送失败 is put back into the outbox
    changed = Notification.objects.filter(pk=notification_id, status=Notification.Status.FAILED).update(
        status=Notification.Status.PENDING, next_attempt_at=None, attempts=0
    )
    if changed:
        transaction.on_commit(lambda: enqueue_delivery([notification_id]))
    return bool(changed)


def inbox_mark_read(*, by: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own in-app messages read (all unread ones when no ids are given)."""
    qs = Notification.objects.filter(recipient=by, channel=Notification.Channel.INAPP, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


def unread_count(user: User) -> int:
    """The unread badge of every page: written out (an index count, notif_unread_idx), as the ORM
    took several times longer to build the statement than the database to count."""
    where = "{} = %s AND {} = %s AND {} IS NULL".format(
        *(sql.column(Notification, name) for name in ("recipient", "channel", "read_at"))
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {sql.table(Notification)} WHERE {where}",  # noqa: S608 (names from _meta)
            [user.pk, Notification.Channel.INAPP],
        )
        return int(cursor.fetchone()[0])


def alert_office_file_problem(*, name: str, state: str, **kwargs: object) -> list[Notification]:
    """A download found a stored file missing or damaged: tell the office once per file and state."""
    label = "缺失" if state == "missing" else "已损坏（与上传时的 SHA-256 校验值不符）"
    key = hashlib.sha256(name.encode()).hexdigest()[:24]
    return notify(
        occasion=f"file:{state}:{key}",
        recipients=office_users(staff_only=True),
        subject=f"存储文件{'缺失' if state == 'missing' else '损坏'}：{name.rsplit('/', 1)[-1]}"[:200],
        body=(
            f"有用户下载文件“{name}”时发现该文件{label}，下载已被拒绝。请从最近的备份恢复该文件"
            "（见“后台任务状态”页面与部署文档中的恢复步骤），或请上传人重新上传；"
            "可运行 manage.py check_files 列出所有缺失与损坏的文件。"
        ),
        url="/system/health/",
    )
