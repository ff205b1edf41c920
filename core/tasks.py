import datetime as dt
import socket
from typing import Any

from celery import shared_task
from django.utils import timezone

from .filecheck import check_files
from .jobs import claimed_job
from .models import WorkerHeartbeat
from .storage import CheckedFileSystemStorage


@shared_task(bind=True, soft_time_limit=30, time_limit=60)
def health_check(self: Any, requested_at_iso: str | None = None) -> str:
    """Trivial task that proves a worker consumes the queue: it stamps a heartbeat row."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        name="health",
        defaults={"hostname": self.request.hostname or socket.gethostname(), "completed_at": now},
    )
    return now.isoformat()


@shared_task(bind=True, soft_time_limit=1800, time_limit=2000)
@claimed_job("core.tasks.files_check", lease=dt.timedelta(minutes=40))
def files_check(self: Any) -> dict[str, int]:
    """Nightly: compare every stored file with its SHA-256 and list orphans (core.filecheck)."""
    CheckedFileSystemStorage().purge_trash()
    run = check_files()
    return {
        "files": run.files,
        "missing": len(run.missing),
        "damaged": len(run.damaged),
        "orphans": len(run.orphans),
    }
