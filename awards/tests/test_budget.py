"""The city's fund budget per year (issue 17 point 3): entered, confirmed by a second person, shown."""

import datetime as dt

import pytest
from django.urls import reverse

from awards import services
from awards.models import FundBudget, MoneyChange
from awards.services import funding
from awards.tests.factories import ApplicationFactory, approve_by_reply
from core.errors import ServiceError

pytestmark = pytest.mark.django_db


def test_a_budget_takes_effect_when_another_approver_confirms_and_the_money_page_shows_what_is_left(
    client, users
):
    # two city awards of 200,000 元 asked for in one 2025 batch: one paid, one approved and not yet paid
    waiting = ApplicationFactory(awaiting_payment=True)
    to_pay = ApplicationFactory(awaiting_payment=True, reference="GB/T 2-2023")
    ApplicationFactory(paid=True, reference="GB/T 3-2023")  # paid outside any 2025 batch: not this fund
    approve_by_reply([waiting, to_pay], by=users["office"], checker=users["approver"])
    change = services.payment_record(
        application=to_pay,
        by=users["office"],
        amount_yuan=200_000,
        paid_on=dt.date(2025, 4, 1),
        voucher_number="PZ-1",
        note="",
        today=dt.date(2025, 4, 2),
    )
    services.money_change_confirm(change=change, by=users["approver"])
    change = services.budget_set(
        year=2025,
        funding_source="city",
        amount_yuan=1_000_000,
        by=users["office"],
        basis="监财预〔2025〕1号",
    )
    assert not FundBudget.objects.exists()
    with pytest.raises(ServiceError, match="理由") as refused:
        services.money_change_refuse(change=change, by=users["approver"], comment="")
    assert refused.value.code == "comment_required"
    services.money_change_confirm(change=change, by=users["approver"])
    assert FundBudget.objects.get().amount_yuan == 1_000_000
    client.force_login(users["office"])

    def budget_section(query: str) -> str:
        page = client.get(reverse("awards:money") + query).content.decode()
        return page.split('id="budgets"')[1].split("</form>")[0]

    # remaining = budget - committed - paid, counted by the year of the 报请 batch; the table follows
    # the year the page shows (all years included)
    for query in ("?year=2025", "?year=all"):
        section = budget_section(query)
        assert "1,000,000 元" in section and "600,000 元" in section
    assert "1,000,000 元" not in budget_section("?year=2024")
    assert "2024 年尚未登记年度预算" in budget_section("?year=2024")
    # the over-budget check of a new batch uses the same figure
    assert funding.committed_in_year(year=2025, source="city") == 400_000
    assert funding.budget_check(year=2025, source="city", total=600_000) == ""
    assert "剩余预算 600,000 元" in funding.budget_check(year=2025, source="city", total=600_001)


@pytest.mark.parametrize(
    ("year", "amount", "basis", "message"),
    [
        (2023, -1, "x", "正整数"),
        (2023, 0, "x", "正整数"),
        (2023, 10**12, "x", "超出合理范围"),
        (2023, 2**31, "x", "超出合理范围"),
        (2019, 100, "x", "年度应在"),
        (2023, 100, " ", "预算依据"),
    ],
)
def test_a_negative_absurd_or_unexplained_budget_is_refused(users, year, amount, basis, message):
    with pytest.raises(ServiceError, match=message) as refused:
        services.budget_set(
            year=year, funding_source="city", amount_yuan=amount, by=users["office"], basis=basis
        )
    assert refused.value.code == "bad_budget"
    assert not MoneyChange.objects.exists() and not FundBudget.objects.exists()


def test_the_budget_form_answers_bad_amounts_in_chinese(client, users):
    client.force_login(users["office"])
    response = client.post(
        reverse("awards:budget_set"),
        {"year": 2025, "funding_source": "city", "amount_yuan": "99999999999", "basis": "x"},
    )
    assert response.status_code == 400 and "超出合理范围" in response.content.decode()
    assert not MoneyChange.objects.exists()
