"""Presentation helpers for targets pages: numbers without trailing zeros, inline SVG sparklines."""

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

RAG_BADGE = {"green": "badge-green", "amber": "badge-amber", "red": "badge-red", "gray": "badge-gray"}
SPARK_W, SPARK_H, SPARK_PAD = 110, 28, 3


@register.filter
def dec(value):
    """12000.00 → 12000, 98.50 → 98.5; None → —."""
    if value is None or value == "":
        return "—"
    return (
        f"{Decimal(value).normalize():,f}"
        if abs(Decimal(value)) >= 10000
        else f"{Decimal(value).normalize():f}"
    )


@register.filter
def rag_badge(rag: str) -> str:
    return RAG_BADGE.get(rag, "badge-gray")


@register.simple_tag
def sparkline(points, target_value=None, rag="gray"):
    """A small trend line of the half-year values (inline SVG, no script)."""
    values = [float(p["value"]) for p in points or []]
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
    return format_html(
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
