"""Panels of the targets app on the role home page (bounded queries)."""

import datetime as dt
from typing import Any

from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_office, is_unit_user
from core import rhythm as rh
from core.models import SiteSetting

from . import selectors
from .models import Plan, Report, ReportingPeriod


def panels(user: User) -> list[dict[str, Any]]:
    if is_unit_user(user):
        return [_unit_panel(user)]
    if is_office(user):
        return [_office_panel()]
    return []


def _unit_panel(user: User) -> dict[str, Any]:
    today = timezone.localdate()
    # the rows carry what the panel's template reads besides the model: days_left, overdue_days, cell
    reports: list[Any] = list(
        Report.objects.filter(unit_id=user.member_unit_id, period__status=ReportingPeriod.Status.OPEN)
        .exclude(status=Report.Status.ACCEPTED)
        .select_related("period", "period__plan")
        .order_by("period__due_date")[:10]
    )
    for report in reports:
        report.days_left = (report.period.due_date - today).days
        report.overdue_days = -report.days_left
        report.cell = selectors.matrix_cell(report, today)
    return {"template": "targets/_workbench_unit.html", "order": 10, "reports": reports}


def _uncovered_periods(today: dt.date, rhythm: str, plans: list[Plan]) -> list[str]:
    """This reporting period (of the office's rhythm), and the next one from a month before it
    starts, when no plan covers them."""
    term = rh.Period.of(today, rhythm)
    terms = [term]
    if (term.next.start - today).days <= 31:
        terms.append(term.next)
    return [t.name for t in terms if not any(p.start_date <= t.start <= p.end_date for p in plans)]


def _office_panel() -> dict[str, Any]:
    rhythm = SiteSetting.get().reporting_rhythm
    plans = list(Plan.objects.all())
    plan = selectors.current_plan(plans)
    rows = selectors.target_progress_rows(plan=plan, series=False) if plan else []
    waiting = Report.objects.filter(status=Report.Status.SUBMITTED).count()
    # the rows carry what the panel's template reads besides the model: counts, unsubmitted
    open_periods: list[Any] = list(
        ReportingPeriod.objects.filter(status=ReportingPeriod.Status.OPEN, backfilled=False).order_by(
            "-year", "-half"
        )[:4]
    )
    counts = selectors.period_status_counts(open_periods)
    by_id = {p.pk: p for p in plans}  # every plan is read above: no join for the plans' names
    for period in open_periods:
        if period.plan_id in by_id:  # else (a plan made since) its plan is read when shown
            period.plan = by_id[period.plan_id]
        period.counts = counts.get(period.pk, {})
        period.unsubmitted = period.counts.get("not_started", 0) + period.counts.get("draft", 0)
    return {
        "template": "targets/_workbench_office.html",
        "order": 10,
        "plan": plan,
        "rag": selectors.rag_counts(rows),
        "waiting": waiting,
        "periods": open_periods,
        "uncovered": _uncovered_periods(timezone.localdate(), rhythm, plans),
        "rhythm_name": rh.RHYTHM_NAMES[rhythm],
    }
