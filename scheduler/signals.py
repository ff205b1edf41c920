"""When the office (or the policy pack) changes a rhythm, the beat schedule follows it.

The reporting rhythm lives in core.SiteSetting and the meeting cycle in meetings.MeetingRule; a save
of either schedules ``schedules.schedules_sync`` after the commit (idempotent: an unchanged rhythm
changes no task).
"""

from typing import Any

from django.db import models, transaction

from meetings.models import MeetingRule


def _sync_after_commit(
    sender: type[models.Model],
    instance: models.Model,
    created: bool = False,
    raw: bool = False,
    **kwargs: Any,
) -> None:
    if raw:
        return
    if created and sender.__name__ == "SiteSetting":
        return  # the row created on first read holds the defaults the installed schedule has

    def sync() -> None:
        from .schedules import schedules_sync

        schedules_sync()

    transaction.on_commit(sync)


def connect() -> None:
    from django.db.models.signals import post_save

    from core.models import SiteSetting

    for model in (SiteSetting, MeetingRule):
        post_save.connect(_sync_after_commit, sender=model, dispatch_uid=f"scheduler-sync-{model.__name__}")
