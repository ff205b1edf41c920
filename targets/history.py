"""The change history of a report and its lines, from django-simple-history, as readable entries."""

from collections.abc import Callable, Hashable, Iterable
from typing import Any

from django.db import models

from .models import Report, ReportMeasureLine, ReportTargetLine

SKIP = {"id", "updated_at", "report", "target", "measure", "period", "unit", "role"}


def _label(model: type[models.Model], name: str) -> str:
    try:
        field = model._meta.get_field(name)
    except Exception:  # a field removed since
        return name
    return str(field.verbose_name) if isinstance(field, models.Field) else name


def _show(value: object) -> str:
    if value in (None, ""):
        return "（空）"
    return str(value)


def _changes(
    history_rows: Iterable[Any], model: type[models.Model], describe: Callable[[Any], str]
) -> list[dict[str, Any]]:
    """Entries for consecutive history rows of one object (oldest first)."""
    entries = []
    previous = None
    for row in history_rows:
        if previous is None:
            changes: list[dict[str, str]] = []
            what = "创建"
        else:
            delta = row.diff_against(previous)
            changes = [
                {"field": _label(model, c.field), "old": _show(c.old), "new": _show(c.new)}
                for c in delta.changes
                if c.field not in SKIP
            ]
            what = "修改"
            if not changes:
                previous = row
                continue
        entries.append(
            {
                "when": row.history_date,
                "who": row.history_user,
                "what": f"{describe(row)}：{what}",
                "changes": changes,
            }
        )
        previous = row
    return entries


def _grouped(rows: Iterable[Any], key: Callable[[Any], Hashable]) -> Iterable[list[Any]]:
    groups: dict[Hashable, list[Any]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return groups.values()


def report_changes(report: Report, *, limit: int = 500) -> list[dict[str, Any]]:
    """Newest first; 3 queries whatever the number of lines."""
    status_labels = dict(Report.Status.choices)
    report_rows = list(
        report.history.select_related("history_user").order_by("history_date", "history_id")[:limit]
    )
    for row in report_rows:
        row.status = status_labels.get(row.status, row.status)
    entries = _changes(report_rows, Report, lambda r: "报告")
    for model, related, describe in (
        (ReportTargetLine, "target", lambda r: f"指标 {r.target.code} {r.target.name}"),
        (ReportMeasureLine, "measure", lambda r: f"措施 {r.measure.code} {r.measure.title}"),
    ):
        rows = (
            model.history.filter(report_id=report.pk)
            .select_related("history_user", related)
            .order_by("id", "history_date", "history_id")[:limit]
        )
        for line_rows in _grouped(rows, lambda r: r.id):
            entries += _changes(line_rows, model, describe)
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries
