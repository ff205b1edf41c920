"""Working days in mainland China: statutory holidays and make-up working days.

chinesecalendar knows the State Council's arrangements up to its release's last year; the
office-editable ``CalendarDay`` table overrides it and is the only source after that (where a
plain Monday–Friday week is assumed until the office enters the new year's arrangement).
"""

import datetime as dt
from functools import lru_cache

import chinese_calendar

from .models import CalendarDay


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    return dict(CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "is_workday"))


@lru_cache(maxsize=4096)
def _statutory_workday(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def is_workday(day: dt.date) -> bool:
    override = _overrides(day, day).get(day)
    return override if override is not None else _statutory_workday(day)


def workdays_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """Working days in [start, end], inclusive."""
    if end < start:
        return []
    overrides = _overrides(start, end)
    days = []
    day = start
    while day <= end:
        if overrides[day] if day in overrides else _statutory_workday(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def add_workdays(start: dt.date, count: int) -> dt.date:
    """The ``count``-th working day after ``start`` (``start`` itself not counted)."""
    if count <= 0:
        return start
    horizon = start + dt.timedelta(days=count * 3 + 30)
    days = workdays_between(start + dt.timedelta(days=1), horizon)
    while len(days) < count:  # a very long holiday table: widen the window
        horizon += dt.timedelta(days=count * 3 + 30)
        days = workdays_between(start + dt.timedelta(days=1), horizon)
    return days[count - 1]


def count_workdays(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end``."""
    return len(workdays_between(start + dt.timedelta(days=1), end))


def statutory_calendar_known(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True
