"""A year's working-day arrangement (the State Council's 节假日安排 notice) entered in one form or
one xlsx: holiday ranges and make-up working days. It replaces the office calendar of that year and
marks the year as known (``CalendarYear``), also where chinesecalendar does not know it."""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse

from core.dates import cn_date

from .cells import cell_text
from .errors import ServiceError
from .imports import Importer, Parsed
from .imports import error as import_error
from .models import CalendarDay, CalendarYear, ImportBatch
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


def _date(y: str, m: str, d: str, *, line: int) -> dt.date:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        raise ServiceError(f"第 {line} 行的日期 {y}-{m}-{d} 不存在。", code="bad_date") from None


def parse_lines(text: str, *, ranges: bool) -> list[tuple[dt.date, dt.date, str]]:
    """``2027-01-01 至 2027-01-03 元旦`` (ranges) or ``2027-02-07 春节调休`` per line."""
    out = []
    lines = [line.strip() for line in (text or "").splitlines()]
    if len([line for line in lines if line]) > MAX_LINES:
        raise ServiceError(f"最多 {MAX_LINES} 行。", code="too_many_lines")
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        match = RANGE_LINE.match(line)
        if not match:
            raise ServiceError(
                f"第 {number} 行“{line[:30]}”看不懂，请写成“2027-01-01 至 2027-01-03 元旦”。",
                code="bad_line",
            )
        start = _date(*match.group(1, 2, 3), line=number)
        end = _date(*match.group(4, 5, 6), line=number) if match.group(4) else start
        if end != start and not ranges:
            raise ServiceError(f"第 {number} 行：调休上班日每行只写一天。", code="one_day_per_line")
        out.append((start, end, match.group(7).strip()[:100]))
    return out


def read_xlsx(uploaded: UploadedFile) -> tuple[list[Holiday], list[MakeUpDay], list[dict]]:
    """The arrangement in an uploaded xlsx, and the error of every row that is wrong."""
    sheet = open_workbook(uploaded, limits=LIMITS).worksheets[0]
    holidays: list[Holiday] = []
    workdays: list[MakeUpDay] = []
    errors: list[dict] = []
    for number, row in enumerate(sheet_rows(sheet), start=1):
        if number == 1:
            continue
        kind, start, end, note = (list(row) + [None] * 4)[:4]
        if kind is None and start is None:
            continue
        try:
            start, end = _cell_date(start, number), _cell_date(end, number) if end not in (None, "") else None
            note = cell_text(note)[:100]
            if cell_text(kind) == "放假":
                holidays.append(Holiday(start, end or start, note))
            elif cell_text(kind) in ("上班", "调休上班"):
                if end and end != start:
                    raise ServiceError(f"第 {number} 行：调休上班日每行只写一天。", code="one_day_per_line")
                workdays.append(MakeUpDay(start, note))
            else:
                raise ServiceError(
                    f"第 {number} 行的类型“{cell_text(kind)}”应为“放假”或“上班”。", code="bad_kind"
                )
        except ValidationError as exc:
            errors.extend(import_error(m, row=number) for m in exc.messages)
    return holidays, workdays, errors


def _cell_date(value: object, number: int) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = re.fullmatch(DATE, cell_text(value))
    if not match:
        raise ServiceError(f"第 {number} 行的日期“{cell_text(value)}”无效。", code="bad_date")
    return _date(*match.groups(), line=number)


def calendar_year_check(*, year: int, holidays: list[Holiday], workdays: list[MakeUpDay]) -> dict:
    """Every rule of a year's arrangement; returns {date: (is_workday, note)} or raises (Chinese)."""
    if not 2000 <= year <= 2100:
        raise ServiceError("年度无效。", code="bad_year")
    if not holidays:
        raise ServiceError("请至少填写一个放假安排。", code="no_holidays")
    off: dict[dt.date, str] = {}
    for h in holidays:
        if h.end < h.start:
            raise ServiceError(f"放假“{h.note or h.start}”的结束日期早于开始日期。", code="end_before_start")
        if (h.end - h.start).days > 14:
            raise ServiceError(f"放假“{h.note or h.start}”超过 15 天，请检查日期。", code="holiday_too_long")
        day = h.start
        while day <= h.end:
            if day.year != year:
                raise ServiceError(f"放假日期 {cn_date(day)} 不在 {year} 年内。", code="other_year")
            if day in off:
                raise ServiceError(f"{cn_date(day)} 在两个放假安排中重复出现。", code="duplicate_day")
            off[day] = h.note
            day += dt.timedelta(days=1)
    on: dict[dt.date, str] = {}
    for w in workdays:
        if w.day.year != year:
            raise ServiceError(f"调休上班日 {cn_date(w.day)} 不在 {year} 年内。", code="other_year")
        if w.day in off:
            raise ServiceError(f"{cn_date(w.day)} 既是放假日又是调休上班日。", code="holiday_and_workday")
        if w.day.weekday() < 5:
            raise ServiceError(
                f"调休上班日 {cn_date(w.day)} 是工作日（周一至周五），应为周末。", code="not_weekend"
            )
        if w.day in on:
            raise ServiceError(f"调休上班日 {cn_date(w.day)} 重复。", code="duplicate_day")
        on[w.day] = w.note
    return {d: (False, n) for d, n in off.items()} | {d: (True, n) for d, n in on.items()}


def calendar_year_set(
    *, year: int, holidays: list[Holiday], workdays: list[MakeUpDay], source: str, by: Any
) -> CalendarYear:
    """Replace the office calendar of ``year`` with this arrangement; all rules checked first."""
    days = calendar_year_check(year=year, holidays=holidays, workdays=workdays)
    with transaction.atomic():
        CalendarDay.objects.filter(date__year=year).delete()
        CalendarDay.objects.bulk_create(
            [
                CalendarDay(date=d, is_workday=work, note=n or ("调休上班" if work else "放假"))
                for d, (work, n) in sorted(days.items(), key=lambda item: (item[1][0], item[0]))
            ]
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


class CalendarImporter(Importer):
    """A year's arrangement uploaded as xlsx, on the one import pipeline (the form's text stays direct)."""

    kind = "core.calendar"
    label = "年度工作日历"
    rows_template = "core/_import_rows_calendar.html"
    confirm_note = "确认后以本文件替换该年的工作日历。"

    def read(self, uploaded: UploadedFile, *, params: dict, by: Any) -> Parsed:
        holidays, workdays, errors = read_xlsx(uploaded)
        if not errors:
            try:
                calendar_year_check(year=params["year"], holidays=holidays, workdays=workdays)
            except ValidationError as exc:
                errors = [import_error(m) for m in exc.messages]
        rows = [
            {"kind": "放假", "start": h.start.isoformat(), "end": h.end.isoformat(), "note": h.note}
            for h in holidays
        ] + [
            {"kind": "上班", "start": w.day.isoformat(), "end": w.day.isoformat(), "note": w.note}
            for w in workdays
        ]
        return Parsed(
            rows=rows, errors=errors, summary=f"{params['year']}年 · 依据：{params.get('source', '')}"
        )

    def apply(self, batch: ImportBatch, *, by: Any) -> tuple[str, CalendarYear]:
        year = batch.params["year"]
        holidays = [
            Holiday(dt.date.fromisoformat(r["start"]), dt.date.fromisoformat(r["end"]), r["note"])
            for r in batch.rows
            if r["kind"] == "放假"
        ]
        workdays = [
            MakeUpDay(dt.date.fromisoformat(r["start"]), r["note"]) for r in batch.rows if r["kind"] == "上班"
        ]
        record = calendar_year_set(
            year=year, holidays=holidays, workdays=workdays, source=batch.params.get("source", ""), by=by
        )
        return f"已保存{year}年工作日历。", record

    def may_use(self, user: Any) -> bool:
        # the office's role, read from the user (core knows no feature app, accounts included)
        return bool(getattr(user, "is_office", False))

    def upload_url(self, batch: ImportBatch) -> str:
        return f"{reverse('core:calendar')}?year={batch.params['year']}"
