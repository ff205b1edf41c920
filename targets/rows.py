"""Table rows of the targets lists written in Python (``core.markup``): one formatted string per row
instead of a template cell by cell, which cost most of a list page."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.template.defaultfilters import floatformat
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from accounts.models import User
from core import rhythm as rh
from core.dates import cn_date, table_date
from core.markup import markup, url_pattern

from .models import Plan, Report, ReportingPeriod, Statistic, Target, TargetOwner
from .permissions import can_see_unit
from .selectors import ProgressRow, UnitReport, badge_of
from .templatetags.targets_tags import PROGRESS_BAR, dec, rag_badge

_REPORT_ROW = (
    "<tr>\n"
    "      <td>{period}{backfilled}</td><td>{plan}</td>{unit}\n"
    '      <td>{status}</td><td><span class="badge badge-{colour}">{timeliness}</span></td>\n'
    '      <td class="nowrap">{due}</td><td class="nowrap">{submitted}</td>\n'
    '      <td class="actions-cell"><a class="btn btn-sm btn-primary" href="{url}">{action}</a></td>\n'
    "    </tr>"
)
_BACKFILLED = mark_safe(' <span class="badge badge-gray">补录</span>')  # noqa: S308 (constant markup)


def report_rows(reports: Iterable[dict[str, Any]], today: dt.date, *, is_office: bool) -> list[SafeString]:
    """The 进度报告 list: ``selectors.REPORT_ROW_FIELDS`` rows, each with its colour and timeliness
    (``selectors.badge_of``); the office sees the unit column, a unit its 填报 button."""
    detail = url_pattern("targets:report_detail")
    rows = []
    for r in reports:
        due = r["period__due_date"]
        timeliness = Report.timeliness_of(
            backfilled=r["backfilled"], due=due, first_submitted_at=r["first_submitted_at"], today=today
        )
        badge = badge_of(r["status"], timeliness)
        rows.append(
            markup(
                _REPORT_ROW,
                period=rh.Period(r["period__year"], r["period__half"], r["period__rhythm"]).name,
                backfilled=_BACKFILLED if r["backfilled"] else "",
                plan=Truncator(r["period__plan__name"]).chars(22),
                unit=markup("<td>{}</td>", r["unit__name"]) if is_office else "",
                status=badge["status_label"],
                colour=badge["colour"],
                timeliness=badge["timeliness_label"],
                due=table_date(due, with_time=False),
                submitted=table_date(r["first_submitted_at"]) or "—",
                url=detail % r["pk"],
                action="填报" if not is_office and r["status"] in Report.EDITABLE_STATUSES else "查看",
            )
        )
    return rows


_TIMELINESS_ROW = (
    "<tr>\n"
    '      <td class="num">{n}</td><td>{unit}</td>\n'
    '      <td><span class="badge {badge}">{status}</span></td>\n'
    "      <td>{timeliness}</td>\n"
    '      <td class="nowrap">{first}</td><td class="nowrap">{last}</td>\n'
    '      <td class="num">{returns}</td>\n'
    '      <td class="actions-cell"><a class="btn btn-sm{primary}" href="{url}">{action}</a></td>\n'
    "    </tr>"
)
_STATUS_BADGE = {"accepted": "badge-green", "returned": "badge-blue", "submitted": "badge-amber"}
_PRIMARY = mark_safe(" btn-primary")  # noqa: S308 (constant markup)


def timeliness_rows(table: list[dict], *, backfilled: bool) -> list[SafeString]:
    """The 各单位报送情况 table of one period (``selectors.period_timeliness``)."""
    detail = url_pattern("targets:report_detail")
    rows = []
    for n, r in enumerate(table, start=1):
        status = r["status"]
        if status == "submitted":
            action = "审核"
        elif backfilled and status != "accepted":
            action = "补录"
        else:
            action = "查看"
        rows.append(
            markup(
                _TIMELINESS_ROW,
                n=n,
                unit=r["unit"],
                badge=_STATUS_BADGE.get(status, "badge-gray"),
                status=r["status_label"],
                timeliness=r["timeliness_label"],
                first=table_date(r["submitted_at"]) or "—",
                last=table_date(r["last_submitted_at"]) or "—",
                returns=r["report"].return_count,
                primary=_PRIMARY if status == "submitted" else "",
                url=detail % r["report"].pk,
                action=action,
            )
        )
    return rows


_PERIOD_ROW = (
    '<tr><td><a href="{url}">{period}</a>{backfilled}</td><td class="nowrap">{due}</td>'
    '<td class="num">{total}</td><td class="num">{submitted}</td><td class="num">{accepted}</td>'
    '<td class="num">{returned}</td>'
    '<td class="actions-cell"><a class="btn btn-sm" href="{export}">导出</a></td></tr>'
)


def period_rows(periods: Iterable[ReportingPeriod]) -> list[SafeString]:
    """The 报送期次 list: periods with their report counts and links (``views.reports._listed``)."""
    return [
        markup(
            _PERIOD_ROW,
            url=p.url,
            period=p,
            backfilled=_BACKFILLED if p.backfilled else "",
            due=table_date(p.due_date, with_time=False),
            total=p.counts.get("total", 0),
            submitted=p.counts.get("submitted", 0),
            accepted=p.counts.get("accepted", 0),
            returned=p.counts.get("returned", 0),
            export=p.export_url,
        )
        for p in periods
    ]


_UNIT_TARGET_ROW = (
    '<tr><td>{code}</td><td><a href="{url}">{name}</a></td><td>{role}</td><td class="num">{actual}</td>'
    '<td class="num">{target} {measure_unit}</td><td class="progress-cell"><div class="progress">'
    '<div class="progress-bar {bar}" style="width: {bar_pct}%"></div></div></td>'
    '<td><span class="badge {badge}">{status}</span></td></tr>'
)


def unit_target_rows(rows: Iterable[ProgressRow]) -> list[SafeString]:
    """负责的指标 of a unit's page: progress rows (``target_progress_rows``) with ``role`` and ``url``."""
    return [
        markup(
            _UNIT_TARGET_ROW,
            code=r["target"].code,
            url=r["url"],
            name=r["target"].name,
            role=r["role"],
            actual=dec(r["actual"]),
            target=dec(r["target"].target_value),
            measure_unit=r["target"].measure_unit,
            bar=PROGRESS_BAR.get(r["rag"], ""),
            bar_pct=localize(r["bar_pct"]),
            badge=rag_badge(r["rag"]),
            status=r["status_label"],
        )
        for r in rows
    ]


_UNIT_REPORT_ROW = (
    '<tr><td><a href="{url}">{period}</a>{backfilled}</td><td>{status}</td>'
    '<td><span class="badge badge-{colour}">{timeliness}</span></td><td class="nowrap">{first}</td>'
    '<td class="num">{returns}</td><td class="nowrap">{accepted}</td></tr>'
)


def unit_report_rows(record: Iterable[UnitReport]) -> list[SafeString]:
    """报送记录 of a unit's page: ``selectors.unit_reports`` entries, with links and dates."""
    detail = url_pattern("targets:report_detail")
    return [
        markup(
            _UNIT_REPORT_ROW,
            url=detail % e["report"].pk,
            period=e["report"].period,
            backfilled=_BACKFILLED if e["report"].backfilled else "",
            status=e["cell"]["status_label"],
            colour=e["cell"]["colour"],
            timeliness=e["cell"]["timeliness_label"],
            first=table_date(e["report"].first_submitted_at) or "—",
            returns=e["report"].return_count,
            accepted=table_date(e["report"].accepted_at) or "—",
        )
        for e in record
    ]


_POLICY_GROUP = '<tr class="group-row"><td colspan="6">{}</td></tr>'
_POLICY_ROW = (
    "\n          <tr>\n"
    "            <td>{code}</td>\n"
    "            <td>{kind}</td>\n"
    "            <td>\n"
    "              {name}\n"
    '              <div class="muted">{source}</div>\n'
    "            </td>\n"
    '            <td class="num">{value} {unit}</td>\n'
    '            <td class="nowrap">{deadline}</td>\n'
    "            <td>{owners}</td></tr>\n        "
)


def policy_target_rows(plan: Plan) -> tuple[list[SafeString], int]:
    """The public 政策要点 table of a plan's active targets, and how many there are: a group row where
    the category changes, then one row per target with its owning units (配合 units marked). Three
    queries: the targets, their owners with the unit names, the plan's category names."""
    targets = list(
        Target.objects.filter(plan=plan, active=True)
        .order_by("order")
        .values_list(
            "pk",
            "code",
            "category",
            "kind",
            "name",
            "source_text",
            "target_value",
            "measure_unit",
            "deadline",
        )
    )
    owners: dict[int, list[str]] = {}
    for target_id, unit_name, role in (
        TargetOwner.objects.filter(target__plan=plan, target__active=True)
        .order_by("role", "id")
        .values_list("target_id", "unit__name", "role")
    ):
        owners.setdefault(target_id, []).append(
            unit_name + "（配合）" if role == TargetOwner.Role.SUPPORT else unit_name
        )
    categories = plan.category_names() if targets else {}
    kinds = dict(Target.Kind.choices)
    rows, category = [], None
    for pk, code, cat, kind, name, source, value, unit, deadline in targets:
        if cat != category:
            category = cat
            rows.append(markup(_POLICY_GROUP, categories.get(cat, cat)))
        rows.append(
            markup(
                _POLICY_ROW,
                code=code,
                kind=kinds.get(kind, kind),
                name=name,
                source=source,
                value=floatformat(value, "-2"),
                unit=unit,
                deadline=cn_date(deadline, with_time=False),
                owners="、".join(owners.get(pk, ())),
            )
        )
    return rows, len(targets)


_STATISTIC_ROW = (
    "\n            <tr>\n"
    '              <td class="nowrap">{as_of}</td><td class="num">{value} {measure_unit}</td>'
    "<td>{source}{note}</td>\n"
    "              <td>{origin}{backfilled}</td>\n"
    "              <td>{basis}</td>\n"
    '              <td class="nowrap">{recorded}{by}</td>\n'
    "            </tr>"
)


def statistic_rows(
    stats: Iterable[dict[str, Any]], *, measure_unit: str, user: User, is_office: bool
) -> list[SafeString]:
    """A page of a target's values (``selectors.target_statistics`` rows): each with its report (a link
    where the user may see that unit's reports) or its import file (a link for the office)."""
    report_url, file_url = url_pattern("targets:report_detail"), url_pattern("targets:import_file")
    origins = dict(Statistic.Origin.choices)
    rows = []
    for s in stats:
        if s["report_line_id"] is not None:
            period = rh.Period(
                s["report_line__report__period__year"],
                s["report_line__report__period__half"],
                s["report_line__report__period__rhythm"],
            ).name
            text = markup("{} {}报告", s["unit__name"], period)
            visible = can_see_unit(user, s["report_line__report__unit_id"])
            basis = (
                markup('<a href="{}">{}</a>', report_url % s["report_line__report_id"], text)
                if visible
                else text
            )
        elif s["batch_id"] is not None:
            name = s["batch__original_name"]
            basis = (
                markup('<a href="{}">{}</a>', file_url % s["batch_id"], name)
                if is_office
                else markup("{}", name)
            )
        else:
            basis = mark_safe("")  # noqa: S308 (constant)
        by = User.name_of(s["recorded_by__full_name"], s["recorded_by__username"])
        rows.append(
            markup(
                _STATISTIC_ROW,
                as_of=table_date(s["as_of"], with_time=False),
                value=dec(s["value"]),
                measure_unit=measure_unit,
                source=s["source"],
                note=markup('<div class="muted small">{}</div>', s["note"]) if s["note"] else "",
                origin=origins.get(s["origin"], s["origin"]),
                backfilled=_BACKFILLED if s["backfilled"] else "",
                basis=basis,
                recorded=table_date(s["recorded_at"]),
                by=markup(" · {}", by) if s["recorded_by_id"] is not None else "",
            )
        )
    return rows
