"""Date filters for every template (installed as builtins in settings): see core.dates."""

import datetime as dt

from django import template

from core import dates

register = template.Library()


@register.filter
def cn_date(value: dt.date | None, arg: str = "") -> str:
    """{{ d|cn_date }} → 2026年12月1日; {{ dt|cn_date }} → 2026年12月1日 14:30; {{ dt|cn_date:"day" }} → date only."""
    return dates.cn_date(value, with_time=arg != "day")


@register.filter
def table_date(value: dt.date | None, arg: str = "") -> str:
    """{{ d|table_date }} → 2026-12-01; {{ dt|table_date }} → 2026-12-01 14:30; :"day" → date only."""
    return dates.table_date(value, with_time=arg != "day")
