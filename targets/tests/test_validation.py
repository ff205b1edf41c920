"""targets.validation: each refusal is a ServiceError (a ValidationError) with its Chinese message and
the code of its rule; good input comes back typed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.errors import ServiceError
from targets.models import Target
from targets.validation import clean_date, clean_text, clean_value


def _target(kind: str = Target.Kind.AT_LEAST) -> Target:
    return Target(name="测试指标", kind=kind)  # not saved: the checks read only name and kind


def _refusal(func, *args, **kwargs) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        func(*args, **kwargs)
    assert isinstance(caught.value, ValidationError)  # callers catch ValidationError
    return caught.value


def test_clean_value_accepts_numbers_and_blank():
    assert clean_value(_target(), " 1,234.5 ") == Decimal("1234.5")
    assert clean_value(_target(Target.Kind.RATE_AT_LEAST), "98.5%") == Decimal("98.5")
    assert clean_value(_target(), "  ") is None
    assert clean_value(_target(), None) is None


@pytest.mark.parametrize(
    ("kind", "raw", "floor", "message", "code"),
    [
        (Target.Kind.AT_LEAST, "abc", None, "“测试指标”的实际值“abc”不是数字。", "not_a_number"),
        (Target.Kind.AT_LEAST, "NaN", None, "“测试指标”的实际值“NaN”不是数字。", "not_a_number"),
        (Target.Kind.AT_LEAST, True, None, "“测试指标”的实际值必须是数字。", "not_a_number"),
        (Target.Kind.AT_LEAST, "-1", None, "“测试指标”的实际值不能为负数。", "negative"),
        (Target.Kind.AT_LEAST, "1e15", None, "“测试指标”的实际值过大。", "too_large"),
        (
            Target.Kind.RATE_AT_LEAST,
            "100.5",
            None,
            "“测试指标”是百分比指标，实际值不能超过 100%。",
            "rate_over_100",
        ),
        (Target.Kind.AT_LEAST, "1.234", None, "“测试指标”的实际值最多保留两位小数。", "too_many_decimals"),
        (
            Target.Kind.CUMULATIVE,
            "5",
            Decimal("6.50"),
            "“测试指标”是累计指标，实际值不能小于已采纳的上期数值 6.5。",
            "below_previous",
        ),
    ],
)
def test_clean_value_refusals(kind, raw, floor, message, code):
    error = _refusal(clean_value, _target(kind), raw, floor=floor)
    assert error.messages == [message]
    assert error.code == code


RANGE = {"label": "数据日期", "start": dt.date(2025, 1, 1), "end": dt.date(2025, 6, 30), "what": "本期"}


def test_clean_date_accepts_dates_in_range():
    assert clean_date("2025/06/30", **RANGE) == dt.date(2025, 6, 30)
    assert clean_date(dt.datetime(2025, 3, 1, 9, 0), **RANGE) == dt.date(2025, 3, 1)
    assert clean_date("", **RANGE) is None


def test_clean_date_refuses_a_non_date():
    error = _refusal(clean_date, "明天", **RANGE)
    assert error.messages == ["数据日期“明天”不是有效日期（格式：2025-06-30）。"]
    assert error.code == "invalid_date"


def test_clean_date_refuses_a_date_out_of_range():
    error = _refusal(clean_date, dt.date(2025, 7, 1), **RANGE)
    assert error.code == "date_out_of_range"
    assert error.messages[0].startswith("数据日期 ")
    assert "不在本期（" in error.messages[0]


def test_clean_text():
    assert clean_text("  说明  ", label="说明") == "说明"
    assert clean_text(None, label="说明") == ""
    error = _refusal(clean_text, "=SUM(A1)", label="说明")
    assert error.messages == ["说明不能以 = + - @ 开头（疑似公式），请删除开头的符号。"]
    assert error.code == "formula"
    error = _refusal(clean_text, "字" * 101, label="数据来源", field="source")
    assert error.messages == ["数据来源过长（最多 100 字）。"]
    assert error.code == "too_long"
