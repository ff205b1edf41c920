from .plan import Measure, MeasureResponsibility, Plan, QualitativeGoal, Target, TargetOwner
from .reporting import (
    ImportBatch,
    Report,
    ReportingPeriod,
    ReportMeasureLine,
    ReportTargetLine,
    Statistic,
    TargetEvaluation,
)

__all__ = [
    "ImportBatch",
    "Measure",
    "MeasureResponsibility",
    "Plan",
    "QualitativeGoal",
    "Report",
    "ReportMeasureLine",
    "ReportTargetLine",
    "ReportingPeriod",
    "Statistic",
    "Target",
    "TargetEvaluation",
    "TargetOwner",
]
