"""Writes and rules of the targets app (docs/design.md: ``<entity>_<action>``, keyword-only, atomic).

Split by sub-domain: periods and reports (``reporting``), Excel imports (``imports``), plans,
targets and the final evaluation (``plans``). Everything public is re-exported here, so callers
write ``from targets.services import period_open``.
"""

from .carry_over import CarryRow, plan_carry_over
from .evaluation import (
    GoalVerdict,
    TargetVerdict,
    plan_evaluation_reopen,
    plan_evaluation_save,
    plan_evaluation_sign_off,
)
from .imports import (
    ImportRefused,
    Preview,
    import_batch_discard,
    report_template_apply,
    report_template_preview,
    statistics_import_apply,
    statistics_import_preview,
)
from .plans import measure_save, plan_save, target_save
from .reporting import (
    LineInput,
    MeasureInput,
    ReportError,
    ReportInput,
    missing_for_submission,
    overlapping_period,
    period_due_date,
    period_open,
    report_accept,
    report_backfill,
    report_return,
    report_save,
    report_submit,
    reporting_rhythm,
)

__all__ = [
    "GoalVerdict",
    "TargetVerdict",
    "plan_evaluation_reopen",
    "plan_evaluation_save",
    "plan_evaluation_sign_off",
    "CarryRow",
    "plan_carry_over",
    "ImportRefused",
    "import_batch_discard",
    "LineInput",
    "MeasureInput",
    "Preview",
    "ReportError",
    "ReportInput",
    "measure_save",
    "missing_for_submission",
    "period_due_date",
    "overlapping_period",
    "period_open",
    "reporting_rhythm",
    "plan_save",
    "report_accept",
    "report_backfill",
    "report_return",
    "report_save",
    "report_submit",
    "report_template_apply",
    "report_template_preview",
    "statistics_import_apply",
    "statistics_import_preview",
    "target_save",
]
