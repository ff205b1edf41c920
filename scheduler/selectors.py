from typing import Any

from django.db.models import QuerySet
from django_celery_beat.models import PeriodicTask

from .models import HalfYearReport, ScheduleChange
from .schedules import SCHEDULES


def report_list() -> QuerySet[HalfYearReport]:
    return HalfYearReport.objects.select_related("xlsx", "docx", "built_by").order_by("-year", "-half")


def schedule_rows() -> list[dict[str, Any]]:
    """The periodic tasks in the declared order, then any other task in the database (3 queries)."""
    tasks = {t.name: t for t in PeriodicTask.objects.select_related("crontab", "interval").order_by("name")}
    rows = []
    for schedule in SCHEDULES:
        task = tasks.pop(schedule.name, None)
        if task is not None:
            rows.append({"task": task, "declared": schedule})
    rows += [{"task": task, "declared": None} for task in tasks.values()]
    return rows


def recent_schedule_changes(limit: int = 10) -> list[ScheduleChange]:
    return list(ScheduleChange.objects.select_related("changed_by")[:limit])
