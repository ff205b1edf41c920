import datetime as dt

from celery import Task, shared_task

from core.jobs import claimed_job

from . import services


@shared_task(
    bind=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=300,
    time_limit=360,
)
@claimed_job("awards.tasks.registrations_digest", lease=dt.timedelta(minutes=10))
def registrations_digest(self: Task) -> int:
    """Daily: the office's one message about registrations and review requests (idempotent)."""
    return services.registrations_digest()
