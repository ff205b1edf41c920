"""Scheduled jobs claim their work before building it: two runs at once do it once.

Every periodic task is wrapped in ``claimed_job``: the run first claims the job's ``JobClaim`` row
with a single conditional UPDATE (free, or its holder's lease expired). On PostgreSQL a concurrent
UPDATE of the same row waits for the first to commit and then re-reads the condition, so exactly one
run gets the claim; the other returns ``{"skipped": ...}`` at once and changes nothing. The claim is
held in autocommit (no long transaction: the job's own per-item transactions commit as they go) and
released when the run ends, even when it fails. A run killed with its worker leaves a claim that
expires after ``lease`` (longer than the task's time limit, so a live run is never overtaken).

The services under the jobs stay idempotent on their own (unique keys, row locks): the claim is the
first line, not the only one.
"""

import datetime as dt
import functools
import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import JobClaim

logger = logging.getLogger(__name__)

R = TypeVar("R")


def claim(job: str, *, lease: dt.timedelta) -> str | None:
    """Claim ``job`` for ``lease``; the holder token, or None when another run holds it."""
    now = timezone.now()
    try:
        with transaction.atomic():
            JobClaim.objects.get_or_create(job=job)
    except IntegrityError:  # race: created by the concurrent run meanwhile
        pass
    token = uuid.uuid4().hex
    got = (
        JobClaim.objects.filter(job=job)
        .filter(Q(holder="") | Q(held_until__lt=now))
        .update(holder=token, held_until=now + lease, started_at=now)
    )
    if not got:
        JobClaim.objects.filter(job=job).update(skipped=F("skipped") + 1)
        return None
    return token


def release(job: str, token: str) -> None:
    JobClaim.objects.filter(job=job, holder=token).update(
        holder="", held_until=None, finished_at=timezone.now()
    )


@contextmanager
def claimed(job: str, *, lease: dt.timedelta) -> Iterator[bool]:
    """``with claimed(job, lease=...) as mine:`` — do the work only when ``mine`` is True."""
    token = claim(job, lease=lease)
    try:
        yield token is not None
    finally:
        if token is not None:
            release(job, token)


def claimed_job(
    job: str, *, lease: dt.timedelta
) -> Callable[[Callable[..., R]], Callable[..., R | dict[str, str]]]:
    """Decorator for a periodic task's function: it runs only under the job's claim."""

    def decorate(func: Callable[..., R]) -> Callable[..., R | dict[str, str]]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> R | dict[str, str]:
            with claimed(job, lease=lease) as mine:
                if not mine:
                    logger.info("%s: another run holds the job; skipped", job)
                    return {"skipped": "another run holds the job"}
                return func(*args, **kwargs)

        return wrapper

    return decorate
