"""The 资金拨付台账 on screen and as xlsx (issue 17 point 5): columns, filters, totals."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from awards import services
from awards.documents import LEDGER_HEADER
from awards.models import Application
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


def test_the_ledger_sorts_by_column_and_the_export_holds_the_filtered_rows(client, users, ledger):
    client.force_login(users["office"])
    unfiltered = client.get(reverse("awards:payment_ledger")).content.decode()
    assert (
        '<option value="" selected>全部</option>' in unfiltered.split('name="year"')[1].split("</select>")[0]
    )
    newest_first = client.get(reverse("awards:payment_ledger"), {"o": "-award_date"})
    names = [row[3] for row in newest_first.context["rows"]]
    assert names[0].startswith("鲁班奖") and len(names) == 2
    body = newest_first.content.decode()
    assert "获奖日期 ▼" in body and "?o=award_date" in body
    assert 'href="/awards/office/money/payments.xlsx?o=-award_date"' in body
    found = client.get(reverse("awards:payment_ledger"), {"q": "PZ-77"})
    assert [row[10] for row in found.context["rows"]] == ["PZ-77"]
    export = client.get(reverse("awards:payment_ledger_xlsx"), {"q": "PZ-77"})
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(min_row=2, values_only=True))
    assert [r[10] for r in rows[:-1]] == ["PZ-77"] and rows[-1][1] == "1 项"


def test_enterprise_verification_list_filters_by_state_and_text_and_sorts(client, users):
    from awards.tests.factories import EnterpriseFactory

    waiting = EnterpriseFactory(name="甲待核验有限公司")
    done = EnterpriseFactory(name="乙已核验有限公司", verified_at=dt.datetime(2025, 1, 2, tzinfo=dt.UTC))
    client.force_login(users["office"])
    names = lambda r: [e.name for e in r.context["page_obj"]]  # noqa: E731
    default = client.get(reverse("awards:enterprise_list"))
    assert waiting.name in names(default) and done.name not in names(default)  # 待核验 first of all
    verified = client.get(reverse("awards:enterprise_list"), {"state": "verified", "q": "乙"})
    assert names(verified) == [done.name]
    everyone = client.get(reverse("awards:enterprise_list"), {"state": "all", "o": "name"})
    listed = names(everyone)
    assert listed == sorted(listed) and {waiting.name, done.name} <= set(listed)
    assert client.get(reverse("awards:enterprise_list"), {"state": "nonsense"}).status_code == 200


def test_office_applications_search_by_number_and_sort_by_number(client, users, ledger):
    client.force_login(users["office"])
    found = client.get(reverse("awards:office_applications"), {"q": ledger.code})
    assert found.status_code == 200 and [a["pk"] for a in found.context["page_obj"]] == [ledger.pk]
    assert (
        client.get(reverse("awards:office_applications"), {"q": "JL2025-99999"})
        .context["page_obj"]
        .paginator.count
        == 0
    )
    ordered = client.get(reverse("awards:office_applications"), {"o": "-code"})
    ids = [a["pk"] for a in ordered.context["page_obj"]]
    assert ids == sorted(ids, reverse=True) and len(ids) >= 2


def test_office_applications_count_their_rows_without_the_rows_joins(client, users, ledger):
    """The page's total is a plain count of the cases: not the count of its rows' query, which would
    join the enterprise, item and source and test the open-objection flags on every case."""
    client.force_login(users["office"])
    with CaptureQueriesContext(connection) as ctx:  # filtered: the count is the filter's
        page = client.get(reverse("awards:office_applications"), {"funding_source": "city"})
    assert page.status_code == 200 and page.context["page_obj"].paginator.count == (
        Application.objects.exclude(status=Application.Status.DRAFT)
        .filter(funding_source__code="city")
        .count()
    )
    counts = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith("SELECT COUNT(*)") and "awards_application" in q["sql"]
    ]
    assert counts and all("JOIN" not in sql and "EXISTS" not in sql for sql in counts), counts


def test_the_unfiltered_list_counts_every_filed_case_with_its_figures(client, users, ledger):
    """Unfiltered (sorting is no filter), the total is read with the state figures in one statement
    (all cases less the drafts); filtered, it is the filter's own count. Both as the rows are."""
    from awards.models import Application

    ApplicationFactory.create_batch(2, draft=True)  # left out of the office's list
    filed = Application.objects.exclude(status=Application.Status.DRAFT)
    assert filed.count() >= 3 and Application.objects.count() == filed.count() + 2
    client.force_login(users["office"])
    url = reverse("awards:office_applications")
    for params in ({}, {"o": "-code"}, {"page": "1"}):
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(url, params)
        assert page.context["page_obj"].paginator.count == filed.count()
        assert not [q for q in ctx.captured_queries if q["sql"].startswith("SELECT COUNT(*) AS")]
    submitted = client.get(url, {"status": "submitted"}).context["page_obj"].paginator.count
    assert submitted == filed.filter(status="submitted").count()
    # an invalid filter is not "unfiltered": the count is the filter's (django-filter's empty list)
    bad = client.get(url, {"year": "abc"}).context["page_obj"].paginator
    assert bad.count == len(list(bad.object_list))
