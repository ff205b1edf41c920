"""Presentation helpers for targets pages: numbers without trailing zeros, inline SVG sparklines."""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from core.markup import markup

register = template.Library()

RAG_BADGE = {"green": "badge-green", "amber": "badge-amber", "red": "badge-red", "gray": "badge-gray"}
SPARK_W, SPARK_H, SPARK_PAD = 110, 28, 3


@register.filter
def dec(value: Decimal | float | str | None) -> str:
    """12000.00 → 12000, 98.50 → 98.5; None → —."""
    if value is None or value == "":
        return "—"
    number = value if isinstance(value, Decimal) else Decimal(value)
    return f"{number.normalize():,f}" if abs(number) >= 10000 else f"{number.normalize():f}"


@register.filter
def rag_badge(rag: str) -> str:
    return RAG_BADGE.get(rag, "badge-gray")


@register.simple_tag
def sparkline(
    points: Sequence[Mapping[str, Any]] | None, target_value: Decimal | float | None = None, rag: str = "gray"
) -> SafeString:
    """A small trend line of the half-year values (inline SVG, no script)."""
    points = points or []
    values = [float(p["value"]) for p in points]
    if not values:
        return mark_safe('<span class="muted">—</span>')  # noqa: S308 (constant markup)
    top = max(values + ([float(target_value)] if target_value is not None else []))
    bottom = min(values + [0.0])
    span = (top - bottom) or 1.0
    step = (SPARK_W - 2 * SPARK_PAD) / max(len(values) - 1, 1)
    coords = [
        (SPARK_PAD + i * step, SPARK_H - SPARK_PAD - (v - bottom) / span * (SPARK_H - 2 * SPARK_PAD))
        for i, v in enumerate(values)
    ]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    last_x, last_y = coords[-1]
    title = "，".join(f"{p['label']} {dec(p['value'])}" for p in points)
    return markup(
        '<svg class="sparkline spark-{}" viewBox="0 0 {} {}" width="{}" height="{}" role="img" aria-label="{}">'
        "<title>{}</title>"
        '<polyline points="{}" fill="none" stroke-width="1.8"/>'
        '<circle cx="{}" cy="{}" r="2.4"/></svg>',
        rag,
        SPARK_W,
        SPARK_H,
        SPARK_W,
        SPARK_H,
        title,
        title,
        path,
        f"{last_x:.1f}",
        f"{last_y:.1f}",
    )


PROGRESS_BAR = {"amber": "amber", "red": "red", "gray": "gray"}
_DASHBOARD_ROW = (
    '\n    <tr>\n      <td class="nowrap">{}</td>\n'
    '      <td><a href="{}">{}</a><div class="muted small">{}{}</div></td>\n'
    '      <td class="num">{}{}</td>\n'
    '      <td class="num">{} {}<div class="muted small">按期应达 {}</div></td>\n'
    '      <td class="progress-cell"><div class="progress" title="{}%"><div class="progress-bar {}" '
    'style="width: {}%"></div></div><div class="muted small">{}</div></td>\n'
    '      <td class="nowrap"><span class="badge {}">{}</span></td>\n'
    "      <td>{}</td>\n"
    '      <td class="owners">{}</td>\n    </tr>\n    '
)


_SUPPORT = mark_safe('<span class="muted">（配合）</span>')  # noqa: S308 (constant markup)


def dashboard_row_html(row: dict[str, Any], url: str) -> str:
    """One row of the 目标总览 table (``target_progress_rows``), formatted at once: the markup the
    template wrote cell by cell, with the same filters (dec, sparkline, table_date)."""
    from django.utils.formats import localize

    from core.dates import table_date

    target = row["target"]
    owners = mark_safe(  # noqa: S308 (every piece is escaped by markup)
        "、".join(markup("{}{}", o.unit, _SUPPORT if o.role == "support" else "") for o in row["owners"])
    )
    return markup(
        _DASHBOARD_ROW,
        target.code,
        url,
        target.name,
        target.get_kind_display(),
        f" · 统计日期 {table_date(row['as_of'], with_time=False)}" if row["as_of"] else "",
        dec(row["actual"]),
        f" {target.measure_unit}" if row["actual"] is not None else "",
        dec(target.target_value),
        target.measure_unit,
        dec(row["expected_by_now"]),
        dec(row["progress_pct"]),
        PROGRESS_BAR.get(row["rag"], ""),
        localize(row["bar_pct"]),
        f"{dec(row['progress_pct'])}%" if row["progress_pct"] is not None else "—",
        rag_badge(row["rag"]),
        row["status_label"],
        sparkline(row["series"], target.target_value, row["rag"]),
        owners,
    )
