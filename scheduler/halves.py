"""Reporting periods of the scheduler. The period class lives in core.rhythm (quarter, half or year,
as the office setting ``reporting_rhythm`` says); ``HalfYear`` is its half-yearly default, kept under
its old name for the half-yearly code and tests."""

from core.rhythm import HALF, Period

HalfYear = Period

__all__ = ["HALF", "HalfYear", "Period"]
