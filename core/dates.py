"""The platform's one way of writing dates and times for people (pages, messages, e-mails, documents).

Two forms, decided once:
- prose and documents: ``2026年12月1日`` (with a time: ``2026年12月1日 14:30``);
- dense tables and lists: ``2026-12-01`` (with a time: ``2026-12-01 14:30``).
Aware datetimes are always shown in the platform's local time (Asia/Shanghai, ``TIME_ZONE``).
Templates use the ``cn_date`` and ``table_date`` filters (built in, no ``{% load %}``).
"""

import datetime as dt
from typing import Any

from django.utils import timezone


def _local(value: Any) -> Any:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def cn_date(value: dt.date | None, *, with_time: bool = True) -> str:
    """2026年12月1日 (a datetime: 2026年12月1日 14:30 in local time); "" for None."""
    if value in (None, ""):
        return ""
    value = _local(value)
    text = f"{value.year}年{value.month}月{value.day}日"
    if with_time and isinstance(value, dt.datetime):
        text += f" {value:%H:%M}"
    return text


def table_date(value: dt.date | None, *, with_time: bool = True) -> str:
    """2026-12-01 (a datetime: 2026-12-01 14:30 in local time); "" for None."""
    if value in (None, ""):
        return ""
    value = _local(value)
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}" if with_time else f"{value:%Y-%m-%d}"
    return f"{value:%Y-%m-%d}"
