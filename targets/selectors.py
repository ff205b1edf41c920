"""Reads for the dashboard, the report matrix, the scheduler's half-yearly report and the league table.

Every function runs a fixed number of queries whatever the number of reports or statistics.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple, TypedDict, cast

from django.db import connection, models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from committee.models import MemberUnit
from core import rhythm as rh
from core.markup import url_pattern
from core.models import SiteSetting
from core.sql import column, select_values, table
from meetings.models import FollowUpAssignment

from .models import Measure, Plan, Report, ReportingPeriod, Statistic, Target, TargetOwner
from .progress import AMBER_TOLERANCE, TargetSpec, evaluate, expected_at

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

SPARK_POINTS = 8

# one point of a target's series: a ``Statistic.values(...)`` row (id, target_id, value, as_of,
# source) and its ``label``
SeriesPoint = dict[str, Any]
Halves = list[tuple[str, dt.date, dt.date]]


class LatestAnnotations(TypedDict):
    """What ``with_latest`` adds to each target (besides ``stat_h0``, ``stat_h1``… per half-year)."""

    stat_latest: int | None
    amber_band_pct: int | None


if TYPE_CHECKING:
    WithLatest = WithAnnotations[Target, LatestAnnotations]


# one target's progress (``progress_row``): target, actual, as_of, progress_pct, bar_pct, rag,
# rag_label, achieved, status_label, expected_by_now, expected_at_as_of, source, series (its
# SeriesPoint list), owners (its Owner list); plain dicts, which the pages extend with their own keys
ProgressRow = dict[str, Any]


# one unit's line of the league table (``period_timeliness``): report, unit, status, status_label,
# submitted_at, last_submitted_at, timeliness, timeliness_label, returned
TimelinessRow = dict[str, Any]


class Badge(TypedDict):
    """A report's badge by its status and timeliness (``badge_of``)."""

    key: str
    colour: str
    label: str
    status_label: str
    timeliness_label: str


class MatrixCell(Badge):
    """A report's badge with the report (``matrix_cell``)."""

    report: Report


class GridCell(TypedDict):
    """One cell of a row of ``report_matrix``."""

    key: str
    label: str
    accepted: bool
    url: str


class MatrixRow(TypedDict):
    unit: MemberUnit
    url: str
    cells: list[GridCell | None]
    cells_html: SafeString


class ReportMatrix(TypedDict):
    periods: list[ReportingPeriod]
    rows: list[MatrixRow]
    older: int
    has_older: bool


class UnitOwned(TypedDict):
    owners: list[TargetOwner]
    measures: list[Measure]


# a unit's report with its timeliness and its badge (``unit_reports``): report, timeliness, cell
UnitReport = dict[str, Any]


def current_plan(plans: Sequence[Plan] | None = None) -> Plan | None:
    """The plan marked current, else the latest-starting one. From ``plans`` (every plan, in the model's
    order: latest start first) when the caller has read them anyway; else in one query (a county has a
    plan every few years, so reading them all is a handful of rows)."""
    plans = list(Plan.objects.all()) if plans is None else plans
    return next((p for p in plans if p.is_current), plans[0] if plans else None)


LINEAGE_DEPTH = 3  # a target and up to two predecessors (carried over from earlier plans)


def _series_start(plan: Plan) -> dt.date:
    """Where a plan's series begins: the start of its earliest predecessor (carry-over), bounded."""
    start, current = plan.start_date, plan
    for _ in range(LINEAGE_DEPTH - 1):
        if not current.predecessor_id:
            break
        current = Plan.objects.only("start_date", "predecessor_id").get(pk=current.predecessor_id)
        start = current.start_date
    return start


def series_periods(
    plan: Plan, today: dt.date, *, last: int = SPARK_POINTS
) -> list[tuple[str, dt.date, dt.date]]:
    """The reporting periods of the office's rhythm (quarters, half years or years) that have begun by
    ``today`` (the last ``last`` of them): (label, start, end).

    They run from the start of the plan's earliest predecessor, so a carried-over target's series
    continues across plans."""
    out = []
    term = rh.Period.of(_series_start(plan), SiteSetting.get().reporting_rhythm)
    while term.start <= min(plan.end_date, today):
        out.append((term.short_name, term.start, term.end))
        term = term.next
    return out[-last:]


def _with_latest_sql(ids_sql: str, n_halves: int) -> str:
    """The targets whose ids ``ids_sql`` selects, each with the id of its latest value (``stat_latest``)
    and, per half-year, of the value in force then (``stat_h0``…), as correlated subqueries — one index
    seek each (targets_stat_target_asof_idx), so the dashboard does not read every statistic, however
    many years of imports there are — and the office's amber band (``amber_band_pct``). Written out
    because the ORM spent more time building this statement than the database running it.

    A half-year point is the target's own value or its predecessors' (one continuous series)."""
    # only quoted names of the models' tables and columns are formatted in; every value is a parameter
    stat, target, setting = (table(m) for m in (Statistic, Target, SiteSetting))
    s_target, as_of, recorded = (column(Statistic, f) for f in ("target", "as_of", "recorded_at"))
    pred, order = (column(Target, f) for f in ("predecessor", "order"))
    latest = f"ORDER BY s.{as_of} DESC, s.{recorded} DESC, s.id DESC LIMIT 1"
    in_lineage = f"(s.{s_target} = t.id OR s.{s_target} = t.{pred} OR s.{s_target} = p.{pred})"
    subquery = "(SELECT s.id FROM {} s WHERE {} {}) AS {}"
    columns = [
        f"(SELECT amber_band_pct FROM {setting} WHERE id = 1) AS amber_band_pct",  # noqa: S608
        subquery.format(stat, f"s.{s_target} = t.id", latest, "stat_latest"),
        *(
            subquery.format(stat, f"{in_lineage} AND s.{as_of} BETWEEN %s AND %s", latest, f"stat_h{i}")
            for i in range(n_halves)
        ),
    ]
    return "SELECT t.*, {} FROM {} t LEFT JOIN {} p ON p.id = t.{} WHERE t.id IN ({}) ORDER BY t.{}, t.id".format(  # noqa: S608
        ", ".join(columns), target, target, pred, ids_sql, order
    )


def with_latest(
    targets: models.QuerySet[Target], plan: Plan, today: dt.date, *, series: bool = True
) -> "tuple[list[WithLatest], Halves]":
    """The targets of a queryset (in the plan's order), each with the ids of its latest value
    (``stat_latest``) and (``series``) of its value per recent half-year (``stat_h0``…), and the
    office's amber band (``amber_band_pct``), in 1 query; and the half-years."""
    halves = series_periods(plan, today) if series else []
    ids_sql, ids_params = targets.order_by().values("pk").query.sql_with_params()
    params: list[object] = []
    for _, start, end in halves:
        params += [connection.ops.adapt_datefield_value(start), connection.ops.adapt_datefield_value(end)]
    # the statement's extra columns (LatestAnnotations) are attributes of each row
    found = cast(
        "list[WithLatest]",
        list(Target.objects.raw(_with_latest_sql(ids_sql, len(halves)), [*params, *ids_params])),
    )
    for target in found:  # as a queryset of plan.targets would have it: no query for target.plan
        if target.plan_id == plan.pk:
            target.plan = plan
    return found, halves


def amber_band_of(target: object) -> Decimal:
    """The amber band as a fraction (10 % → 0.10): the office's setting set by ``with_latest``."""
    pct = getattr(target, "amber_band_pct", None)
    return AMBER_TOLERANCE if pct is None else Decimal(pct) / 100


def half_year_series(targets: "Iterable[WithLatest]", halves: Halves) -> dict[int, list[SeriesPoint]]:
    """Per target (annotated by ``with_latest``): its half-year points, oldest first, the latest value last.

    One query for all the values. The point of the half-year holding the latest value is that value.
    """
    ids: set[int] = set()
    for target in targets:
        found_ids = [target.stat_latest, *(getattr(target, f"stat_h{i}") for i in range(len(halves)))]
        ids.update(pk for pk in found_ids if pk is not None)
    # written out: the ORM spent more on a few hundred ids in ``pk__in`` than the database on the rows
    found = (
        select_values(
            Statistic,
            ("id", "target_id", "value", "as_of", "source"),
            "id IN ({})".format(", ".join(["%s"] * len(ids))),
            sorted(ids),
        )
        if ids
        else []
    )
    values = {row["id"]: row for row in found}
    out: dict[int, list[SeriesPoint]] = {}
    for target in targets:
        points = []
        for i, (label, _, _) in enumerate(halves):
            row = values.get(getattr(target, f"stat_h{i}"))
            if row is not None:
                points.append(row | {"label": label})
        latest = values.get(target.stat_latest) if target.stat_latest is not None else None
        if latest is not None and (not points or points[-1]["id"] != latest["id"]):
            points.append(latest | {"label": f"{latest['as_of']:%Y-%m-%d}"})
        out[target.pk] = points
    return out


class Owner(NamedTuple):
    """A target's owning unit as the progress rows show it (牵头 or 配合)."""

    unit: str
    role: str
    assumed: bool

    @property
    def role_label(self) -> str:
        return TargetOwner.Role(self.role).label


def owners_of(target_ids: list[int]) -> dict[int, list[Owner]]:
    """The owning units of these targets, 牵头 first (1 query, no models)."""
    out: dict[int, list[Owner]] = {pk: [] for pk in target_ids}
    rows = (
        TargetOwner.objects.filter(target_id__in=target_ids)
        .order_by("role", "id")
        .values_list("target_id", "unit__name", "role", "assumed")
    )
    for target_id, unit, role, assumed in rows:
        out[target_id].append(Owner(unit, role, assumed))
    return out


def target_progress_rows(
    *,
    plan: Plan,
    today: dt.date | None = None,
    category: str | None = None,
    unit_id: int | None = None,
    series: bool = True,
) -> list[ProgressRow]:
    """Every active target of ``plan`` with its latest accepted value, progress and RAG (3 queries).

    Each dict: target, actual, as_of, progress_pct, bar_pct, rag, rag_label, achieved,
    expected_by_now (straight line at ``today``), expected_at_as_of, source, series (half-year points),
    owners (``Owner`` list). Without ``series`` (the RAG counts of the workbench): no half-year
    points and no owners, 2 queries.
    """
    today = today or timezone.localdate()
    targets = plan.targets.filter(active=True)
    if category:
        targets = targets.filter(category=category)
    if unit_id:
        targets = targets.filter(owners__unit_id=unit_id).distinct()
    found, halves = with_latest(targets, plan, today, series=series)
    points = half_year_series(found, halves)
    owners = owners_of([t.pk for t in found]) if series else {}
    return [
        progress_row(target, points.get(target.pk, []), today, owners.get(target.pk, [])) for target in found
    ]


def progress_row(
    target: Target, points: list[SeriesPoint], today: dt.date, owners: list[Owner]
) -> ProgressRow:
    """One target's progress dict from its half-year points (see ``target_progress_rows``)."""
    # progress counts the target's own values only; a predecessor's points are history
    own = [p for p in points if p["target_id"] == target.pk]
    latest = own[-1] if own else None
    spec = TargetSpec.of(target)
    progress = evaluate(
        spec,
        latest["value"] if latest else None,
        latest["as_of"] if latest else None,
        today,
        amber_band=amber_band_of(target),
    )
    return {
        "target": target,
        "actual": progress.actual,
        "as_of": progress.as_of,
        "progress_pct": progress.progress_pct,
        "bar_pct": progress.bar_pct,
        "rag": progress.rag,
        "rag_label": progress.rag_label,
        "achieved": progress.achieved,
        # the one status word of pages and exports alike
        "status_label": "已达成" if progress.achieved else progress.rag_label,
        "expected_by_now": expected_at(spec, today),
        "expected_at_as_of": progress.expected,
        "source": latest["source"] if latest else "",
        "series": points,
        "owners": owners,
    }


def rag_counts(rows: Sequence[ProgressRow]) -> dict[str, int]:
    counts = {"green": 0, "amber": 0, "red": 0, "gray": 0}
    for row in rows:
        counts[row["rag"]] += 1
    return counts


def group_by_category(rows: list[ProgressRow]) -> list[tuple[str, list[ProgressRow]]]:
    """Rows of one plan by its target categories, in the plan's order (names from the pack)."""
    labels = rows[0]["target"].plan.category_names() if rows else {}
    groups: dict[str, list[ProgressRow]] = {}
    for row in rows:
        groups.setdefault(row["target"].category, []).append(row)
    order = [c for c in labels if c in groups] + [c for c in groups if c not in labels]
    return [(labels.get(c, c), groups[c]) for c in order]


def period_timeliness(*, period: ReportingPeriod, today: dt.date | None = None) -> list[TimelinessRow]:
    """The league table of one period: each unit's report status and timeliness (1 query).

    Ordered on time first (earliest first submission first), then late, then pending, then missing.
    Timeliness is decided by the FIRST submission's time; a resubmission after a return keeps it.
    """
    today = today or timezone.localdate()
    reports = period.reports.select_related("unit", "period").order_by("unit__order", "unit_id")
    rank: dict[str, int] = {
        Report.Timeliness.ON_TIME: 0,
        Report.Timeliness.BACKFILLED: 1,
        Report.Timeliness.LATE: 2,
        Report.Timeliness.PENDING: 3,
        Report.Timeliness.MISSING: 4,
    }
    rows: list[TimelinessRow] = []
    for report in reports:
        timeliness = report.timeliness(today)
        rows.append(
            {
                "report": report,
                "unit": report.unit,
                "status": report.status,
                "status_label": report.get_status_display(),
                "submitted_at": report.first_submitted_at,
                "last_submitted_at": report.submitted_at,
                "timeliness": timeliness,
                "timeliness_label": Report.Timeliness(timeliness).label,
                "returned": report.return_count > 0,
            }
        )
    far_future = timezone.now() + dt.timedelta(days=36500)
    rows.sort(key=lambda r: (rank[r["timeliness"]], r["submitted_at"] or far_future, r["unit"].order))
    return rows


def unit_timeliness_counts(*, year: int, today: dt.date | None = None) -> dict[int, dict[str, int]]:
    """Per unit, over the periods of ``year`` (all plans): on_time, late, missing and returned counts.

    on_time/late/missing are exclusive (a not-yet-due report counts in none of them); ``returned``
    counts reports the office returned at least once, whatever happened next. 1 query.
    """
    today = today or timezone.localdate()
    counts: dict[int, dict[str, int]] = defaultdict(
        lambda: {"on_time": 0, "late": 0, "missing": 0, "returned": 0}
    )
    for report in Report.objects.filter(period__year=year).select_related("period"):
        entry = counts[report.unit_id]
        timeliness = report.timeliness(today)
        if timeliness in ("on_time", "late", "missing"):
            entry[timeliness] += 1
        if report.return_count:
            entry["returned"] += 1
    return dict(counts)


MATRIX_CELL = {
    # (badge colour, label) for the period × unit matrix
    "accepted": ("green", "已采纳"),
    "on_time": ("green", "按时"),
    "late": ("amber", "逾期"),
    "missing": ("red", "未报"),
    "returned": ("blue", "退回"),
    "pending": ("gray", "未到期"),
    "backfilled": ("gray", "补录"),
}


def matrix_cell(report: Report, today: dt.date) -> MatrixCell:
    return {"report": report, **badge_of(report.status, report.timeliness(today))}


def badge_of(status: str, timeliness: str) -> Badge:
    """The badge of a report in ``status`` with ``timeliness`` (``Report.timeliness``): 退回 shows as
    such, any other status by its timeliness."""
    key = "returned" if status == Report.Status.RETURNED else timeliness
    colour, label = MATRIX_CELL[key]
    return {
        "key": key,
        "colour": colour,
        "label": label,
        "status_label": Report.Status(status).label,
        "timeliness_label": Report.Timeliness(timeliness).label,
    }


def _submitted_by_deadline(due: dt.date) -> dt.datetime:
    """The first instant after ``due`` (local time): a first submission before it is on time."""
    return timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=1), dt.time.min))


def report_matrix(
    *,
    plan: Plan,
    today: dt.date | None = None,
    unit_id: int | None = None,
    status: str | None = None,
    max_periods: int = 8,
    older: int = 0,
) -> ReportMatrix:
    """Periods × units matrix of report status (on time / late / missing / returned). 3 queries.

    Shows ``max_periods`` periods of the plan, the latest by default; ``older`` skips that many
    windows back. ``status`` keeps the units having at least one cell of that key. Each row carries
    its cells (``key``, ``label``, ``accepted``, ``url``) and ``cells_html``, the row's cells rendered
    once here (every part is a constant or an id: nothing to escape) so the template has no per-cell
    work.
    """
    today = today or timezone.localdate()
    window = list(
        plan.periods.order_by("-year", "-half")[older * max_periods : (older + 1) * max_periods + 1]
    )
    has_older = len(window) > max_periods
    periods = window[:max_periods][::-1]
    by_period = {
        p.pk: (i, _submitted_by_deadline(p.due_date), today > p.due_date) for i, p in enumerate(periods)
    }
    reports = Report.objects.filter(period__in=periods)
    if unit_id:
        reports = reports.filter(unit_id=unit_id)
    report_url, unit_url = url_pattern("targets:report_detail"), url_pattern("targets:unit_detail")
    grid: dict[int, list[tuple[int, str, str, str] | None]] = {}
    width = len(periods)
    for pk, unit_pk, period_id, report_status, first_submitted, backfilled in reports.order_by().values_list(
        "pk", "unit_id", "period_id", "status", "first_submitted_at", "backfilled"
    ):
        column, deadline, overdue = by_period[period_id]
        if backfilled:
            timeliness = "backfilled"
        elif first_submitted is not None:
            timeliness = "on_time" if first_submitted < deadline else "late"
        else:
            timeliness = "missing" if overdue else "pending"
        key = "returned" if report_status == Report.Status.RETURNED else timeliness
        grid.setdefault(unit_pk, [None] * width)[column] = (pk, key, report_status, timeliness)
    units = MemberUnit.objects.filter(pk__in=grid).order_by("order", "pk")
    rows: list[MatrixRow] = []
    for unit in units:
        cells: list[GridCell | None] = []
        html: list[str] = []
        for cell in grid[unit.pk]:
            if cell is None:
                cells.append(None)
                html.append(_EMPTY_CELL)
                continue
            pk, key, report_status, timeliness = cell
            accepted = report_status == Report.Status.ACCEPTED
            url = report_url % pk
            cells.append({"key": key, "label": MATRIX_CELL[key][1], "accepted": accepted, "url": url})
            html.append(_CELL_HTML[key, report_status, timeliness].replace("{url}", url))
        if status and not any(c and c["key"] == status for c in cells):
            continue
        rows.append(
            {
                "unit": unit,
                "url": unit_url % unit.pk,
                "cells": cells,
                "cells_html": mark_safe("".join(html)),  # noqa: S308 (constants and ids only)
            }
        )
    return {"periods": periods, "rows": rows, "older": older, "has_older": has_older}


_EMPTY_CELL = '<td><span class="muted">—</span></td>'
# per (cell key, report status, timeliness): the cell's markup with the link left as {url}
_CELL_HTML = {
    (key, report_status, timeliness): (
        f'<td><a class="badge badge-{colour}" href="{{url}}" title="{Report.Status(report_status).label} · '
        f'{Report.Timeliness(timeliness).label}">{label}'
        f"{' ✓' if report_status == Report.Status.ACCEPTED else ''}</a></td>"
    )
    for key, (colour, label) in MATRIX_CELL.items()
    for report_status in Report.Status.values
    for timeliness in Report.Timeliness.values
}


def unit_owned(*, plan: Plan, unit_id: int) -> UnitOwned:
    """What one unit owns in ``plan``: targets (with role) and measures."""
    owners = list(
        TargetOwner.objects.filter(target__plan=plan, target__active=True, unit_id=unit_id)
        .select_related("target")
        .order_by("target__order")
    )
    measures = list(Measure.objects.filter(plan=plan, responsibilities__unit_id=unit_id).order_by("order"))
    return {"owners": owners, "measures": measures}


def latest_accepted_value(target: Target, *, before: dt.date | None = None) -> Decimal | None:
    """The latest accepted value of ``target`` (optionally dated on or before ``before``)."""
    qs = Statistic.objects.filter(target=target)
    if before:
        qs = qs.filter(as_of__lte=before)
    row = qs.order_by("-as_of", "-recorded_at", "-id").values_list("value", flat=True).first()
    return row


def target_lineage(target: Target) -> list[Target]:
    """The target and the targets it was carried over from, oldest first (at most LINEAGE_DEPTH)."""
    chain = [target]
    while chain[-1].predecessor_id and len(chain) < LINEAGE_DEPTH:
        chain.append(Target.objects.select_related("plan").get(pk=chain[-1].predecessor_id))
    return chain[::-1]


def target_history(
    target: Target, *, limit: int = 1000, lineage: list[Target] | None = None
) -> list[tuple[dt.date, Decimal]]:
    """(date, value) in force at each statistic date (the last accepted one), oldest first, for the
    chart (rows, not models: a chart of ten years of monthly values reads a few hundred).

    With ``lineage`` the predecessors' values come first: one series across plans."""
    ids = [t.pk for t in lineage] if lineage else [target.pk]
    rows = (
        Statistic.objects.filter(target_id__in=ids)
        .order_by("-as_of", "-recorded_at", "-id")
        .values_list("as_of", "value")[: limit * 2]
    )
    by_date: dict[dt.date, Decimal] = {}
    for as_of, value in rows:
        by_date.setdefault(as_of, value)
    return sorted(by_date.items())[-limit:]


# what a row of the 进度报告 list shows (``report_rows``)
REPORT_ROW_FIELDS = (
    "pk",
    "status",
    "backfilled",
    "first_submitted_at",
    "period__year",
    "period__half",
    "period__rhythm",
    "period__due_date",
    "period__plan__name",
    "unit__name",
)


# what a row of a target's values shows (``rows.statistic_rows``): the value, where it came from
# (the report's unit and period, or the import file) and who recorded it
STATISTIC_ROW_FIELDS = (
    "as_of",
    "value",
    "source",
    "note",
    "origin",
    "backfilled",
    "recorded_at",
    "report_line_id",
    "report_line__report_id",
    "report_line__report__unit_id",
    "report_line__report__period__year",
    "report_line__report__period__half",
    "report_line__report__period__rhythm",
    "unit__name",
    "batch_id",
    "batch__original_name",
    "recorded_by_id",
    "recorded_by__full_name",
    "recorded_by__username",
)


def target_statistics(target: Target) -> "QuerySet[Statistic, dict[str, Any]]":
    """Every accepted value with where it came from (report, import batch), newest first, as the
    rows of ``STATISTIC_ROW_FIELDS`` (no models); paginate."""
    rows: QuerySet[Statistic, dict[str, Any]] = (
        Statistic.objects.filter(target=target)
        .order_by("-as_of", "-recorded_at", "-id")
        .values(*STATISTIC_ROW_FIELDS)
    )
    return rows


def unit_reports(*, unit_id: int, plan: Plan | None = None, today: dt.date | None = None) -> list[UnitReport]:
    """A unit's reporting record: each report with its status and timeliness, newest period first."""
    today = today or timezone.localdate()
    # the period for its name and due date; the unit is the caller's, the plan the filter's
    reports = Report.objects.filter(unit_id=unit_id).select_related("period")
    if plan is not None:
        reports = reports.filter(period__plan=plan)
    return [
        {"report": r, "timeliness": r.timeliness(today), "cell": matrix_cell(r, today)}
        for r in reports.order_by("-period__year", "-period__half", "period__plan_id")
    ]


def period_status_counts(periods: Iterable[ReportingPeriod]) -> dict[int, dict[str, int]]:
    """Per period: number of reports in each status (1 query)."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        Report.objects.filter(period__in=list(periods))
        .order_by()  # no joins for the model's ordering
        .values("period_id", "status")
        .annotate(n=models.Count("id"))
    ):
        counts[row["period_id"]][row["status"]] = row["n"]
        counts[row["period_id"]]["total"] += row["n"]
    return counts


def open_followups(*, unit_id: int, limit: int = 20) -> list[FollowUpAssignment]:
    """The unit's open follow-up assignments (督办事项, meetings app), shown on its report page."""
    qs = FollowUpAssignment.objects.released().open().filter(unit_id=unit_id)
    return list(qs.select_related("item").order_by("deadline")[:limit])
