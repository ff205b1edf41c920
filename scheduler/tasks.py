"""Periodic tasks (installed by ``manage.py setup_schedules``, see schedules.py). Thin: each claims
its job (core.jobs: a concurrent run does nothing), loads the local date and calls one idempotent
service; a failure retries with back-off."""

import datetime as dt
from typing import Any

from celery import Task, shared_task
from django.utils import timezone

from core.jobs import claimed_job

from . import services

_options = {
    "bind": True,
    "autoretry_for": (Exception,),
    "retry_backoff": 60,
    "retry_backoff_max": 1800,
    "retry_jitter": True,
    "max_retries": 5,
    "soft_time_limit": 600,
    "time_limit": 720,
}
# longer than the time limit: a live run is never overtaken; a killed one is after 15 minutes
LEASE = dt.timedelta(minutes=15)


def _day(day: str | None) -> dt.date:
    return dt.date.fromisoformat(day) if day else timezone.localdate()


@shared_task(**_options)
@claimed_job("scheduler.tasks.half_year_start", lease=LEASE)
def half_year_start(self: Task, day: str | None = None) -> dict[str, Any]:
    return services.half_year_open(today=_day(day))


@shared_task(**_options)
@claimed_job("scheduler.tasks.daily_reminders", lease=LEASE)
def daily_reminders(self: Task, day: str | None = None) -> dict[str, Any]:
    today = _day(day)
    # catch-up: a beat that was down on 1 January / 1 July still opens the half year; a failure
    # there must not hold the reminders back (the retry redoes both, idempotently)
    failed: services.JobError | None = None
    try:
        opened = services.half_year_open(today=today)
    except services.JobError as exc:
        failed = exc
    sent = services.reminders_send(today=today)
    if failed is not None:
        raise failed
    return {"half_year": opened, "reminders": sent}


@shared_task(**_options)
@claimed_job("scheduler.tasks.publicity_advance", lease=LEASE)
def publicity_advance(self: Task, day: str | None = None) -> dict[str, Any]:
    return services.publicity_advance(today=_day(day))


@shared_task(**_options)
@claimed_job("scheduler.tasks.half_year_reports", lease=LEASE)
def half_year_reports(self: Task, day: str | None = None) -> dict[str, Any]:
    return services.half_year_reports_due(today=_day(day))
