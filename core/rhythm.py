"""Rhythms as data: reporting periods (季度 / 半年 / 年度) and the joint meeting's cycle. Pure, no database.

Reporting: the office setting ``SiteSetting.reporting_rhythm`` says how often member units report
(``quarter``, ``half`` or ``year``); a ``Period`` is one such period of a year, numbered within the
year (1–4, 1–2 or 1). Its code and name follow the rhythm:

    quarter  2026Q1  2026年第一季度
    half     2026H1  2026年上半年      (the codes and names of the half-yearly platform, unchanged)
    year     2026Y   2026年度

Meetings: a ``MeetingCycle`` (built from ``meetings.MeetingRule``) holds every ``every_months``
months in ``months`` (one per cycle, ``every_months`` apart) on ``day`` (moved to a working day by
the caller). The meeting of month m is prepared in the cycle that ends with m: the ``every_months``
months up to and including m (for 6 months in June and December: January–June and July–December).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

QUARTER, HALF, YEAR = "quarter", "half", "year"
PER_YEAR = {QUARTER: 4, HALF: 2, YEAR: 1}
RHYTHM_CHOICES = [(QUARTER, "每季度"), (HALF, "每半年"), (YEAR, "每年")]
RHYTHM_NAMES = {QUARTER: "季度", HALF: "半年", YEAR: "年度"}
_CODE_LETTER = {QUARTER: "Q", HALF: "H", YEAR: "Y"}
_CN_NUMBERS = "一二三四五六七八九十"


def cn_ordinal(n: int) -> str:
    """1 → 一 … 12 → 十二 (the small ordinals of period and meeting names)."""
    if n <= 10:
        return _CN_NUMBERS[n - 1]
    return "十" + _CN_NUMBERS[n - 11]


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period: the ``number``-th quarter / half / whole of ``year``."""

    year: int
    number: int  # 1–4 (quarter), 1–2 (half), 1 (year)
    rhythm: str = HALF

    def __post_init__(self) -> None:
        if self.rhythm not in PER_YEAR or not 1 <= self.number <= PER_YEAR[self.rhythm]:
            raise ValueError(f"无效的报送期次：{self.year} {self.rhythm} {self.number}")

    @property
    def half(self) -> int:
        """The number within the year (the name the half-yearly code uses)."""
        return self.number

    @classmethod
    def of(cls, day: dt.date, rhythm: str = HALF) -> "Period":
        months = 12 // PER_YEAR[rhythm]
        return cls(day.year, (day.month - 1) // months + 1, rhythm)

    @classmethod
    def parse(cls, key: str) -> "Period":
        """``2025H1`` / ``2026Q3`` / ``2026Y`` → its Period; ValueError for anything else."""
        key = (key or "").strip().upper()
        year, rest = key[:4], key[4:]
        if not (len(year) == 4 and year.isdigit() and rest):
            raise ValueError(f"不是有效的期次编号：{key}")
        letter, number = rest[0], rest[1:]
        rhythm = next((r for r, code in _CODE_LETTER.items() if code == letter), None)
        if rhythm == YEAR and number == "":
            return cls(int(year), 1, YEAR)
        if rhythm in (QUARTER, HALF) and number.isdigit() and 1 <= int(number) <= PER_YEAR[rhythm]:
            return cls(int(year), int(number), rhythm)
        raise ValueError(f"不是有效的期次编号：{key}")

    @property
    def key(self) -> str:
        if self.rhythm == YEAR:
            return f"{self.year}Y"
        return f"{self.year}{_CODE_LETTER[self.rhythm]}{self.number}"

    @property
    def name(self) -> str:
        """2026年第一季度 / 2026年上半年 / 2026年下半年 / 2026年度."""
        return f"{self.year}年{number_label(self.rhythm, self.number)}"

    label = name

    @property
    def short_name(self) -> str:
        """The label of a point on a chart: 2026上半年 / 2026第一季度 / 2026年."""
        return (
            f"{self.year}年"
            if self.rhythm == YEAR
            else f"{self.year}{number_label(self.rhythm, self.number)}"
        )

    @property
    def months(self) -> int:
        return 12 // PER_YEAR[self.rhythm]

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, (self.number - 1) * self.months + 1, 1)

    @property
    def end(self) -> dt.date:
        return self.next.start - dt.timedelta(days=1)

    @property
    def previous(self) -> "Period":
        if self.number == 1:
            return Period(self.year - 1, PER_YEAR[self.rhythm], self.rhythm)
        return Period(self.year, self.number - 1, self.rhythm)

    @property
    def next(self) -> "Period":
        if self.number == PER_YEAR[self.rhythm]:
            return Period(self.year + 1, 1, self.rhythm)
        return Period(self.year, self.number + 1, self.rhythm)

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return self.start <= end and start <= self.end


def number_label(rhythm: str, number: int) -> str:
    """The name of a period within its year: 第一季度 / 上半年 / 下半年 / 度 (as in 2026年度)."""
    if rhythm == QUARTER:
        return f"第{cn_ordinal(number)}季度"
    if rhythm == HALF:
        return "上半年" if number == 1 else "下半年"
    return "度"


def number_choices(rhythm: str) -> list[tuple[int, str]]:
    if rhythm == YEAR:
        return [(1, "全年")]
    return [(n, number_label(rhythm, n)) for n in range(1, PER_YEAR[rhythm] + 1)]


def bounds(year: int, number: int, rhythm: str = HALF) -> tuple[dt.date, dt.date]:
    period = Period(year, number, rhythm)
    return period.start, period.end


def start_months(rhythm: str) -> list[int]:
    """The months a period of ``rhythm`` begins in (quarter: 1, 4, 7, 10)."""
    months = 12 // PER_YEAR[rhythm]
    return list(range(1, 13, months))


# --- the joint meeting's cycle -----------------------------------------------------------------


@dataclass(frozen=True)
class MeetingCycle:
    every_months: int = 6
    months: tuple[int, ...] = (6, 12)
    day: int = 15
    # the call for topics goes out this many days before the meeting; None: at the cycle's start
    topic_call_lead_days: int | None = None
    # the office is reminded to issue the notice this many days before the meeting; None: no reminder
    notice_lead_days: int | None = None

    @property
    def per_year(self) -> int:
        return len(self.months)

    def month_of(self, number: int) -> int:
        return self.months[number - 1]

    def term_of(self, day: dt.date) -> tuple[int, int]:
        """(year, number) of the next meeting whose month is not before ``day``'s month."""
        for number, month in enumerate(self.months, start=1):
            if day.month <= month:
                return day.year, number
        return day.year + 1, 1

    def next_term(self, year: int, number: int) -> tuple[int, int]:
        return (year, number + 1) if number < self.per_year else (year + 1, 1)

    def previous_term(self, year: int, number: int) -> tuple[int, int]:
        return (year, number - 1) if number > 1 else (year - 1, self.per_year)

    def preferred_date(self, year: int, number: int) -> dt.date:
        """The preferred day in the meeting's month (the month's last day when it is shorter)."""
        month = self.month_of(number)
        next_month = dt.date(year + month // 12, month % 12 + 1, 1)
        last = (next_month - dt.timedelta(days=1)).day
        return dt.date(year, month, min(self.day, last))

    def cycle_start(self, year: int, number: int) -> dt.date:
        """First day of the ``every_months`` months that end with the meeting's month."""
        month = self.month_of(number) - self.every_months + 1
        return dt.date(year, month, 1) if month >= 1 else dt.date(year - 1, month + 12, 1)

    def cycle_end(self, year: int, number: int) -> dt.date:
        month = self.month_of(number)
        return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)

    def term_label(self, number: int) -> str:
        """上半年 / 下半年 for two meetings a year, 年度 for one, 第N次 otherwise (after the year)."""
        if self.per_year == 2:
            return "上半年" if number == 1 else "下半年"
        if self.per_year == 1:
            return "年度"
        return f"第{cn_ordinal(number)}次"


JIANLI_CYCLE = MeetingCycle()


def months_text(months: Iterable[int]) -> str:
    return "、".join(f"{m}月" for m in months)
