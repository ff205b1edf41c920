"""The money overview by funding source and year, and the xlsx / docx exports."""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from awards.models import Application, RewardItem
from awards.selectors import money_summary, paid_between
from awards.tests.factories import ApplicationFactory, PublicityBatchFactory

pytestmark = pytest.mark.django_db


def item(code):
    return RewardItem.objects.get(code=code)


@pytest.fixture
def ledger(policy):
    """2023: one city reward paid (actual 190,000), one provincial pending; 2024: one jingzhou in review."""
    paid = ApplicationFactory(
        award_date=dt.date(2023, 5, 1), paid=True, paid_amount_yuan=190_000, paid_on=dt.date(2024, 1, 10)
    )
    ApplicationFactory(
        reward_item=item("china_time_honored_brand"), award_date=dt.date(2023, 8, 1), awaiting_payment=True
    )
    ApplicationFactory(reward_item=item("china_quality_award"), award_date=dt.date(2024, 3, 1))
    ApplicationFactory(reward_item=item("scenic_4a"), award_date=dt.date(2024, 3, 1), draft=True)
    ApplicationFactory(reward_item=item("scenic_3a"), award_date=dt.date(2024, 3, 1), status="withdrawn")
    ApplicationFactory(reward_item=item("scenic_3a"), award_date=dt.date(2024, 4, 1), status="rejected")
    return paid


def test_money_summary_by_funding_source_and_award_year(ledger):
    rows = {(r["year"], r["funding_source"]): r for r in money_summary()}
    city_2023 = rows[(2023, "city")]
    assert (city_2023["requested"], city_2023["approved"], city_2023["paid"], city_2023["pending"]) == (
        200_000,
        200_000,
        190_000,
        0,
    )
    province = rows[(2023, "province")]
    assert (province["requested"], province["approved"], province["paid"], province["pending"]) == (
        500_000,
        500_000,
        0,
        500_000,
    )
    jingzhou = rows[(2024, "jingzhou")]
    assert (jingzhou["requested"], jingzhou["approved"], jingzhou["pending"]) == (2_000_000, 0, 0)
    city_2024 = rows[(2024, "city")]  # rejected counts as requested; drafts and withdrawals do not
    assert (city_2024["requested"], city_2024["approved"]) == (200_000, 0)


def test_money_summary_agrees_with_every_application_counted_one_by_one(policy):
    """Every state, three sources, two years: each column and count as the rule for that column
    computed over the rows themselves."""
    codes = ["luban_prize", "china_time_honored_brand", "china_quality_award"]
    traits = {"draft": "draft", "first_passed": "first_passed", "second_passed": "second_passed"}
    traits |= {"publicity": "in_publicity", "awaiting_payment": "awaiting_payment", "paid": "paid"}
    for i, status in enumerate(Application.Status.values):
        for j, code in enumerate(codes):
            state = {traits[status]: True} if status in traits else {"status": status}
            if status == "paid":
                state["paid_amount_yuan"] = 1000 * (j + 1)
            ApplicationFactory(reward_item=item(code), award_date=dt.date(2023 + (i + j) % 2, 3, 1), **state)
    rules = {
        "requested": lambda a: a.status not in ("draft", "withdrawn"),
        "approved": lambda a: a.status in ("second_passed", "publicity", "awaiting_payment", "paid"),
        "paid": lambda a: a.status == "paid",
        "pending": lambda a: a.status in ("second_passed", "publicity", "awaiting_payment"),
        "under_review": lambda a: a.status in ("submitted", "returned", "first_passed"),
    }
    expected = {}
    for a in Application.objects.exclude(status__in=["draft", "withdrawn"]):
        row = expected.setdefault((a.award_date.year, a.funding_source_id), {})
        for column, rule in rules.items():
            if rule(a):
                row[column] = row.get(column, 0) + (
                    (a.paid_amount_yuan or 0) if column == "paid" else a.amount_yuan
                )
                row[f"{column}_count"] = row.get(f"{column}_count", 0) + 1
    got = {
        (r["year"], r["funding_source"]): {k: v for k, v in r.items() if k in _keys(rules) and v}
        for r in money_summary()
    }
    assert got == expected
    assert sum(r["paid_count"] for r in money_summary()) == 3  # one paid application per source


def _keys(rules):
    return {key for column in rules for key in (column, f"{column}_count")}


def test_money_summary_for_one_year(ledger):
    rows = money_summary(year=2024)
    assert {r["year"] for r in rows} == {2024}
    assert set(rows[0]) >= {"funding_source", "year", "requested", "approved", "paid", "pending"}


def test_paid_between_uses_the_payment_date(ledger):
    assert list(paid_between(start=dt.date(2024, 1, 1), end=dt.date(2024, 6, 30))) == [ledger]
    assert not paid_between(start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31)).exists()


def test_money_page_shows_totals_in_wan(client, users, ledger):
    client.force_login(users["office"])
    body = client.get(reverse("awards:money") + "?year=all").content.decode()
    assert "已拨付" in body and "19 万元" in body and "市质量品牌发展专项资金" in body
    body = client.get(reverse("awards:money") + "?year=2023").content.decode()
    assert "19 万元" in body and 'value="2023" selected' in body


@time_machine.travel(dt.datetime(2024, 6, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False)
def test_money_page_shows_this_year_unless_another_is_chosen(client, users, ledger):
    """The default window is this year's awards (one year's rows, not every application ever filed);
    all years are one choice away, and a malformed year falls back to this year."""
    client.force_login(users["office"])
    for query in ("", "?year=abc", "?year=1800"):
        response = client.get(reverse("awards:money") + query)
        body = response.content.decode()
        assert response.status_code == 200
        assert 'value="2024" selected' in body
        assert "19 万元" not in body  # the 2023 payment is outside this year's window
        assert "?year=2024" in body  # the export follows the same window
    body = client.get(reverse("awards:money") + "?year=all").content.decode()
    assert 'value="all" selected' in body and "19 万元" in body and "?year=all" in body


def test_money_export_is_an_xlsx_with_summary_and_detail(client, users, ledger):
    ledger.enterprise.name = "=cmd|' /C calc'!A0"
    ledger.enterprise.save()
    client.force_login(users["office"])
    response = client.get(reverse("awards:money_xlsx") + "?year=all")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["汇总", "明细"]
    assert wb["明细"].max_row == 5  # header + the four submitted (not the draft, not the withdrawn)
    names = [c.value for c in wb["明细"]["B"]]
    assert "'=cmd|' /C calc'!A0" in names  # formula text is escaped on export


def test_publicity_list_exports_to_docx(client, users):
    batch = PublicityBatchFactory()
    application = ApplicationFactory(in_publicity=True, publicity_batch=batch)
    client.force_login(users["office"])
    response = client.get(reverse("awards:publicity_docx", args=[batch.pk]))
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert batch.title in text and "0716-3300000" in text and "异议" in text
    cells = [c.text for row in doc.tables[0].rows for c in row.cells]
    assert application.enterprise.name in cells and "20 万元" in cells and "三(二)" in cells


def test_payment_list_exports_to_docx(client, users, ledger):
    client.force_login(users["office"])
    response = client.get(reverse("awards:payments_docx") + "?year=2024")
    doc = Document(io.BytesIO(response.content))
    cells = [c.text for row in doc.tables[0].rows for c in row.cells]
    assert ledger.enterprise.name in cells and "190,000" in cells
    assert "合计：1 笔，190,000 元" in "\n".join(p.text for p in doc.paragraphs)
