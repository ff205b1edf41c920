"""``{{ day|unconfirmed }}``: “（未确认）” after a date computed with working days of a year that
neither chinesecalendar nor the office calendar knows (issue 16 point 6)."""

import datetime as dt

from django import template

from core.calendar import year_known

register = template.Library()


@register.filter
def unconfirmed(day) -> str:
    if not isinstance(day, dt.date):
        return ""
    return "" if year_known(day.year) else "（未确认）"
