"""Delivery tasks. Both are safe to run twice, concurrently or after a crash (rows are claimed)."""

import time

from celery import Task, shared_task
from django.db import DatabaseError

from . import services

# the task stops claiming new rows this long before its soft time limit; the rest wait for the sweep
SOFT_TIME_LIMIT = 240
TIME_LIMIT = 300
_MARGIN = 60

_retry_options = {
    "bind": True,
    # only the database can make the whole task fail (a refused mail is recorded on its row)
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
    "soft_time_limit": SOFT_TIME_LIMIT,
    "time_limit": TIME_LIMIT,
}


@shared_task(**_retry_options)
def deliver_notifications(self: Task, notification_ids: list[int]) -> int:
    """Deliver the rows a ``notify`` call just committed."""
    deadline = time.monotonic() + SOFT_TIME_LIMIT - _MARGIN
    return services.notifications_deliver(notification_ids=notification_ids, deadline=deadline)


@shared_task(**_retry_options)
def deliver_pending(self: Task) -> int:
    """The outbox sweep (every minute): send what is due, retire claims of dead workers."""
    services.outbox_release_stale_claims()
    deadline = time.monotonic() + SOFT_TIME_LIMIT - _MARGIN
    sent = 0
    while time.monotonic() < deadline:
        ids = services.outbox_due_ids(limit=200)
        if not ids:
            break
        sent += services.notifications_deliver(notification_ids=ids, deadline=deadline)
        if len(ids) < 200:
            break
    return sent
