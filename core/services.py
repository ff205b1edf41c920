import logging

from django.db import transaction
from django.utils import timezone

from . import broker
from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)


def health_request() -> WorkerHeartbeat:
    """Ask a worker to stamp the heartbeat; the request time is saved even if the broker is down."""
    from .tasks import health_check

    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
        name="health", defaults={"requested_at": timezone.now()}
    )

    broker.reset()  # a person asked: try the broker now even if it failed a moment ago
    transaction.on_commit(lambda: broker.publish(health_check))
    return heartbeat


def health_status() -> dict[str, object]:
    heartbeat = WorkerHeartbeat.objects.filter(name="health").first()
    if heartbeat is None or heartbeat.completed_at is None:
        return {"ok": False, "heartbeat": heartbeat, "label": "尚未收到后台任务回执"}
    fresh = heartbeat.requested_at is None or heartbeat.completed_at >= heartbeat.requested_at
    return {
        "ok": fresh,
        "heartbeat": heartbeat,
        "label": "后台任务运行正常" if fresh else "后台任务未响应最近一次检查",
    }
