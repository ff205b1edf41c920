"""Value checks shared by the report form, the Excel template and the statistics import.

Each function takes what a person typed (or a spreadsheet cell) and returns the typed value or
raises ``core.errors.ServiceError`` (a ``ValidationError``) with a Chinese message naming the problem
and a ``code`` naming the rule.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from core.dates import cn_date
from core.errors import ServiceError
from core.uploads import is_formula_text

from .models import Target

MAX_VALUE = Decimal("999999999999.99")
TEXT_LIMITS = {"source": 100, "note": 2000, "progress": 4000, "problems": 4000, "next_steps": 4000}


def clean_value(target: Target, raw: object, *, floor: Decimal | None = None) -> Decimal | None:
    """A non-negative number for ``target``; percentages at most 100; cumulative never below ``floor``."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ServiceError(f"“{target.name}”的实际值必须是数字。", code="not_a_number")
    text = str(raw).strip().replace(",", "").replace("，", "")
    if text.endswith("%") and target.is_rate:
        text = text[:-1].strip()
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ServiceError(f"“{target.name}”的实际值“{raw}”不是数字。", code="not_a_number") from None
    if not value.is_finite():
        raise ServiceError(f"“{target.name}”的实际值“{raw}”不是数字。", code="not_a_number")
    if value < 0:
        raise ServiceError(f"“{target.name}”的实际值不能为负数。", code="negative")
    if value > MAX_VALUE:
        raise ServiceError(f"“{target.name}”的实际值过大。", code="too_large")
    if target.is_rate and value > 100:
        raise ServiceError(f"“{target.name}”是百分比指标，实际值不能超过 100%。", code="rate_over_100")
    if value != value.quantize(Decimal("0.01")):
        raise ServiceError(f"“{target.name}”的实际值最多保留两位小数。", code="too_many_decimals")
    if target.kind == Target.Kind.CUMULATIVE and floor is not None and value < floor:
        raise ServiceError(
            f"“{target.name}”是累计指标，实际值不能小于已采纳的上期数值 {floor.normalize():f}。",
            code="below_previous",
        )
    return value


def clean_date(raw: object, *, label: str, start: dt.date, end: dt.date, what: str) -> dt.date | None:
    """A date between ``start`` and ``end`` inclusive (``what`` names the range in the message)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, dt.datetime):
        value = raw.date()
    elif isinstance(raw, dt.date):
        value = raw
    else:
        text = str(raw).strip().replace("/", "-").replace(".", "-")
        try:
            value = dt.date.fromisoformat(text)
        except ValueError:
            raise ServiceError(
                f"{label}“{raw}”不是有效日期（格式：2025-06-30）。", code="invalid_date"
            ) from None
    if not start <= value <= end:
        raise ServiceError(
            f"{label} {cn_date(value)} 不在{what}（{cn_date(start)} 至 {cn_date(end)}）内。",
            code="date_out_of_range",
        )
    return value


def clean_text(raw: object, *, label: str, field: str = "note") -> str:
    """Free text from a person or a cell: no formulas, bounded length."""
    if raw is None:
        return ""
    text = str(raw).strip()
    if is_formula_text(text):
        raise ServiceError(f"{label}不能以 = + - @ 开头（疑似公式），请删除开头的符号。", code="formula")
    limit = TEXT_LIMITS.get(field, 2000)
    if len(text) > limit:
        raise ServiceError(f"{label}过长（最多 {limit} 字）。", code="too_long")
    return text
