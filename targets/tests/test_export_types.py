"""Issue 19 point 2: exports hold numbers, dates and percentages as typed cells, with the page's words."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.documents import Percent, build_workbook
from targets import selectors
from targets.models import Statistic

pytestmark = pytest.mark.django_db


def test_workbook_cells_are_typed_with_number_formats():
    when = dt.datetime(2026, 12, 1, 18, 30, tzinfo=dt.UTC)
    wb = build_workbook(
        [
            (
                "表",
                ["整数", "小数", "日期", "时间", "百分比", "文字"],
                [[98, Decimal("100.6"), dt.date(2025, 12, 31), when, Percent(Decimal("98.5")), "98"]],
            )
        ]
    )
    wb = load_workbook(io.BytesIO(_bytes(wb)))
    a, b, c, d, e, f = wb["表"][2]
    assert a.value == 98 and a.data_type == "n" and a.number_format == "#,##0"
    assert b.value == pytest.approx(100.6) and b.number_format == "#,##0.0"
    assert c.is_date and c.value.date() == dt.date(2025, 12, 31) and c.number_format == "yyyy-mm-dd"
    assert d.is_date and d.value == dt.datetime(2026, 12, 2, 2, 30)  # Shanghai time, not UTC
    assert e.value == pytest.approx(0.985) and e.number_format == "0.0%"
    assert f.value == "98" and f.data_type == "s"  # text stays text (credit codes, references)


def _bytes(wb):
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_dashboard_export_types_and_status_words_match_the_page(client, policy, users, clock):
    target = policy.targets.get(code="T04")
    Statistic.objects.create(
        target=target, value=Decimal("98"), as_of=dt.date(2025, 6, 30), source="统计局", origin="import"
    )
    client.force_login(users["office"])
    response = client.get(reverse("targets:dashboard_export"), {"plan": policy.pk})
    ws = load_workbook(io.BytesIO(response.content))["指标进度"]
    headers = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "T04")
    cell = dict(zip(headers, row, strict=True))
    assert cell["目标值"].data_type == "n"
    assert cell["最新实际值"].value == 98 and cell["最新实际值"].data_type == "n"
    assert cell["统计日期"].is_date and cell["统计日期"].value.date() == dt.date(2025, 6, 30)
    assert cell["完成进度"].data_type == "n" and "%" in cell["完成进度"].number_format
    page_row = next(r for r in selectors.target_progress_rows(plan=policy) if r["target"].code == "T04")
    assert cell["状态"].value == page_row["status_label"]
    page = client.get(reverse("targets:dashboard"), {"plan": policy.pk}).content.decode()
    assert page_row["status_label"] in page


def test_period_export_numbers_and_times_are_typed(client, period, report_a, users, fill):
    fill(report_a, users["unit_a"], stat_date=dt.date(2025, 6, 30))
    client.force_login(users["office"])
    wb = load_workbook(io.BytesIO(client.get(reverse("targets:period_export", args=[period.pk])).content))
    lines = wb["指标填报"]
    headers = [c.value for c in lines[1]]
    filled = next(r for r in lines.iter_rows(min_row=2) if r[0].value == report_a.unit.name)
    first = dict(zip(headers, filled, strict=True))
    assert first["本期实际值"].data_type == "n" and first["目标值"].data_type == "n"
    assert first["统计日期"].is_date
