"""A year's working-day arrangement (the State Council's 节假日安排 notice) entered in one form or
one xlsx: holiday ranges and make-up working days. It replaces the office calendar of that year and
marks the year as known (``CalendarYear``), also where chinesecalendar does not know it."""

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from core.dates import cn_date

from .models import CalendarDay, CalendarYear
from .uploads import SheetLimits, open_workbook, sheet_rows
from .workdays import statutory_calendar_known

MAX_LINES = 60
MAX_XLSX_ROWS = 200
LIMITS = SheetLimits(rows=MAX_XLSX_ROWS, columns=4)
DATE = r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
RANGE_LINE = re.compile(rf"^{DATE}\s*(?:(?:至|到|~|－|—|-{{1,2}})\s*{DATE})?\s*(.*)$")


@dataclass(frozen=True)
class Holiday:
    start: dt.date
    end: dt.date
    note: str


@dataclass(frozen=True)
class MakeUpDay:
    day: dt.date
    note: str


def year_known(year: int) -> bool:
    """Whether working days of ``year`` are confirmed: the library knows it, or the office entered it."""
    return statutory_calendar_known(year) or CalendarYear.objects.filter(year=year).exists()


def _date(y, m, d, *, line: int) -> dt.date:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        raise ValidationError(f"第 {line} 行的日期 {y}-{m}-{d} 不存在。") from None


def parse_lines(text: str, *, ranges: bool) -> list[tuple[dt.date, dt.date, str]]:
    """``2027-01-01 至 2027-01-03 元旦`` (ranges) or ``2027-02-07 春节调休`` per line."""
    out = []
    lines = [line.strip() for line in (text or "").splitlines()]
    if len([line for line in lines if line]) > MAX_LINES:
        raise ValidationError(f"最多 {MAX_LINES} 行。")
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        match = RANGE_LINE.match(line)
        if not match:
            raise ValidationError(
                f"第 {number} 行“{line[:30]}”看不懂，请写成“2027-01-01 至 2027-01-03 元旦”。"
            )
        start = _date(*match.group(1, 2, 3), line=number)
        end = _date(*match.group(4, 5, 6), line=number) if match.group(4) else start
        if end != start and not ranges:
            raise ValidationError(f"第 {number} 行：调休上班日每行只写一天。")
        out.append((start, end, match.group(7).strip()[:100]))
    return out


def parse_xlsx(uploaded) -> tuple[list[Holiday], list[MakeUpDay]]:
    """Columns 类型（放假 / 上班）, 开始日期, 结束日期, 说明; first row is the header."""
    sheet = open_workbook(uploaded, limits=LIMITS).worksheets[0]
    holidays, workdays = [], []
    for number, row in enumerate(sheet_rows(sheet), start=1):
        if number == 1:
            continue
        if number > MAX_XLSX_ROWS:
            raise ValidationError(f"文件超过 {MAX_XLSX_ROWS} 行。")
        kind, start, end, note = (list(row) + [None] * 4)[:4]
        if kind is None and start is None:
            continue
        start, end = _cell_date(start, number), _cell_date(end, number) if end not in (None, "") else None
        note = str(note or "").strip()[:100]
        if str(kind).strip() == "放假":
            holidays.append(Holiday(start, end or start, note))
        elif str(kind).strip() in ("上班", "调休上班"):
            if end and end != start:
                raise ValidationError(f"第 {number} 行：调休上班日每行只写一天。")
            workdays.append(MakeUpDay(start, note))
        else:
            raise ValidationError(f"第 {number} 行的类型“{kind}”应为“放假”或“上班”。")
    return holidays, workdays


def _cell_date(value, number: int) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = re.fullmatch(DATE, str(value or "").strip())
    if not match:
        raise ValidationError(f"第 {number} 行的日期“{value}”无效。")
    return _date(*match.groups(), line=number)


def calendar_year_set(
    *, year: int, holidays: list[Holiday], workdays: list[MakeUpDay], source: str, by
) -> CalendarYear:
    """Replace the office calendar of ``year`` with this arrangement; all rules checked first."""
    if not 2000 <= year <= 2100:
        raise ValidationError("年度无效。")
    if not holidays:
        raise ValidationError("请至少填写一个放假安排。")
    off: dict[dt.date, str] = {}
    for h in holidays:
        if h.end < h.start:
            raise ValidationError(f"放假“{h.note or h.start}”的结束日期早于开始日期。")
        if (h.end - h.start).days > 14:
            raise ValidationError(f"放假“{h.note or h.start}”超过 15 天，请检查日期。")
        day = h.start
        while day <= h.end:
            if day.year != year:
                raise ValidationError(f"放假日期 {cn_date(day)} 不在 {year} 年内。")
            if day in off:
                raise ValidationError(f"{cn_date(day)} 在两个放假安排中重复出现。")
            off[day] = h.note
            day += dt.timedelta(days=1)
    on: dict[dt.date, str] = {}
    for w in workdays:
        if w.day.year != year:
            raise ValidationError(f"调休上班日 {cn_date(w.day)} 不在 {year} 年内。")
        if w.day in off:
            raise ValidationError(f"{cn_date(w.day)} 既是放假日又是调休上班日。")
        if w.day.weekday() < 5:
            raise ValidationError(f"调休上班日 {cn_date(w.day)} 是工作日（周一至周五），应为周末。")
        if w.day in on:
            raise ValidationError(f"调休上班日 {cn_date(w.day)} 重复。")
        on[w.day] = w.note
    with transaction.atomic():
        CalendarDay.objects.filter(date__year=year).delete()
        CalendarDay.objects.bulk_create(
            [CalendarDay(date=d, is_workday=False, note=n or "放假") for d, n in sorted(off.items())]
            + [CalendarDay(date=d, is_workday=True, note=n or "调休上班") for d, n in sorted(on.items())]
        )
        record, _ = CalendarYear.objects.update_or_create(
            year=year, defaults={"source": source[:200], "confirmed_by": by}
        )
    return record


def year_arrangement(year: int) -> tuple[list[Holiday], list[MakeUpDay]]:
    """The office calendar of ``year`` grouped back into ranges (to fill the form again)."""
    holidays: list[Holiday] = []
    workdays: list[MakeUpDay] = []
    for row in CalendarDay.objects.filter(date__year=year).order_by("date"):
        if row.is_workday:
            workdays.append(MakeUpDay(row.date, row.note))
        elif (
            holidays and holidays[-1].end + dt.timedelta(days=1) == row.date and holidays[-1].note == row.note
        ):
            holidays[-1] = Holiday(holidays[-1].start, row.date, row.note)
        else:
            holidays.append(Holiday(row.date, row.date, row.note))
    return holidays, workdays


def next_year_unknown(today: dt.date) -> int | None:
    """From October, next year when neither the library nor the office calendar knows it."""
    if today.month >= 10 and not year_known(today.year + 1):
        return today.year + 1
    return None
