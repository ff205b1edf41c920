from .evaluation import GoalEvaluation, MeasureEvaluation, PlanEvaluation, ReportGoalLine
from .plan import Measure, MeasureResponsibility, Plan, QualitativeGoal, Target, TargetCategory, TargetOwner
from .reporting import (
    Report,
    ReportingPeriod,
    ReportMeasureLine,
    ReportTargetLine,
    Statistic,
    TargetEvaluation,
)

__all__ = [
    "GoalEvaluation",
    "MeasureEvaluation",
    "PlanEvaluation",
    "ReportGoalLine",
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
    "TargetCategory",
    "TargetEvaluation",
    "TargetOwner",
]
