"""Writes and rules of the targets app (STYLE.md: ``<entity>_<action>``, keyword-only, atomic).

Split by sub-domain: periods and reports (``reporting``), Excel imports (``imports``), plans,
targets and the final evaluation (``plans``). Everything public is re-exported here, so callers
write ``from targets.services import period_open``.
"""

from .reporting import (
    LineInput,
    MeasureInput,
    ReportError,
    ReportInput,
    period_due_date,
    period_open,
    report_accept,
    report_backfill,
    report_return,
    report_save,
    report_submit,
)

__all__ = [
    "LineInput",
    "MeasureInput",
    "ReportError",
    "ReportInput",
    "period_due_date",
    "period_open",
    "report_accept",
    "report_backfill",
    "report_return",
    "report_save",
    "report_submit",
]
