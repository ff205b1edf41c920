"""``{% unconfirmed day %}``: “（未确认）” after a date computed with working days of a year that
neither chinesecalendar nor the office calendar knows (issue 16 point 6). Which years are known is
looked up once per year and request, so a list marks every row at a constant number of queries."""

import datetime as dt

from django import template
from django.template import Context

from core.calendar import year_known

register = template.Library()

MARK = "（未确认）"


def unconfirmed(day: object, known: dict[int, bool] | None = None) -> str:
    if not isinstance(day, dt.date):
        return ""
    if known is None:
        return "" if year_known(day.year) else MARK
    if day.year not in known:
        known[day.year] = year_known(day.year)
    return "" if known[day.year] else MARK


@register.simple_tag(takes_context=True, name="unconfirmed")
def unconfirmed_tag(context: Context, day: object) -> str:
    request = context.get("request")
    known = getattr(request, "_calendar_years_known", None) if request is not None else None
    if request is not None and known is None:
        known = request._calendar_years_known = {}
    return unconfirmed(day, known)
