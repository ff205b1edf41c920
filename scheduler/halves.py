"""Half years (上半年 / 下半年), the rhythm of reporting and of the joint meeting (附件2 第三条)."""

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class HalfYear:
    year: int
    half: int  # 1 = 上半年, 2 = 下半年

    @classmethod
    def of(cls, day: dt.date) -> "HalfYear":
        return cls(day.year, 1 if day.month <= 6 else 2)

    @classmethod
    def parse(cls, key: str) -> "HalfYear":
        """``2025H1`` → HalfYear(2025, 1); ValueError for anything else."""
        year, sep, half = key.upper().partition("H")
        if not (sep and year.isdigit() and len(year) == 4 and half in ("1", "2")):
            raise ValueError(f"不是有效的半年度编号：{key}")
        return cls(int(year), int(half))

    @property
    def key(self) -> str:
        return f"{self.year}H{self.half}"

    @property
    def label(self) -> str:
        return f"{self.year}年{'上' if self.half == 1 else '下'}半年"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 6, 30) if self.half == 1 else dt.date(self.year, 12, 31)

    @property
    def previous(self) -> "HalfYear":
        return HalfYear(self.year - 1, 2) if self.half == 1 else HalfYear(self.year, 1)

    @property
    def next(self) -> "HalfYear":
        return HalfYear(self.year, 2) if self.half == 1 else HalfYear(self.year + 1, 1)
