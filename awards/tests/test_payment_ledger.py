"""The 资金拨付台账 on screen and as xlsx (issue 17 point 5): columns, filters, totals."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from awards import services
from awards.documents import LEDGER_HEADER
from awards.tests.factories import ApplicationFactory, approve_by_reply, item

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(users):
    awaiting = ApplicationFactory(awaiting_payment=True, award_date=dt.date(2024, 3, 1))
    approve_by_reply([awaiting], by=users["office"], checker=users["approver2"])
    change = services.payment_record(
        application=awaiting,
        by=users["office"],
        amount_yuan=200_000,
        paid_on=dt.date(2025, 4, 1),
        voucher_number="PZ-77",
        today=dt.date(2025, 4, 2),
    )
    services.money_change_confirm(change=change, by=users["approver"])
    ApplicationFactory(second_passed=True, reward_item=item("luban_prize"), award_date=dt.date(2025, 1, 5))
    ApplicationFactory(reward_item=item("group_standard"))  # still under review: not in the 台账
    return awaiting


def test_the_ledger_workbook_has_finance_columns_names_and_totals(client, users, ledger):
    client.force_login(users["office"])
    sheet = load_workbook(io.BytesIO(client.get(reverse("awards:payment_ledger_xlsx")).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == LEDGER_HEADER
    paid = dict(zip(rows[0], rows[1], strict=True))
    assert (paid["序号"], paid["企业名称"], paid["核定金额（元）"], paid["拨付金额（元）"]) == (
        1,
        ledger.enterprise.name,
        200_000,
        200_000,
    )
    assert (paid["凭证号"], paid["经办人"], paid["审核人"]) == ("PZ-77", "办公室甲", "瞿建民")
    assert rows[-1][0] == "合计" and rows[-1][5] == 700_000 and rows[-1][8] == 200_000
    assert len(rows) == 4  # header, two awards, total


def test_the_ledger_filters_and_totals_on_screen(client, users, ledger):
    client.force_login(users["office"])
    page = client.get(reverse("awards:payment_ledger"), {"funding_source": "city", "status": "paid"})
    body = page.content.decode()
    assert "PZ-77" in body and "鲁班奖" not in body.split("<tbody>")[1].split("</tbody>")[0]
    assert "筛选合计（1 项）" in body
    year = client.get(reverse("awards:payment_ledger"), {"year": 2025}).content.decode()
    assert "PZ-77" not in year and "筛选合计（1 项）" in year
    line = client.get(reverse("awards:payment_ledger"), {"reward_code": "luban_prize"}).content.decode()
    assert "500,000 元" in line and "PZ-77" not in line
