"""Payments bounded, maker-checker for money data, amounts by date (issue 11 points 4-6)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from awards import services
from awards.models import Application, ApplicationEvent, MoneyChange, RewardAmount, RewardItem
from awards.tests.factories import ApplicationFactory, approve_by_reply, item
from core.errors import ServiceError

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 4, 2)
OUT_OF_RANGE = [-1, -200_000, 0, 100_000_001, 2_147_483_647, 2**31, 2**63, 10**20]


def money_state():
    return (
        sorted(
            Application.objects.values_list(
                "id", "status", "amount_yuan", "paid_amount_yuan", "paid_on", "voucher_number", "reference"
            )
        ),
        sorted(
            RewardItem.objects.values_list("id", "amount_yuan", "funding_source", "provisional", "active")
        ),
        RewardAmount.objects.count(),
        sorted(MoneyChange.objects.values_list("id", "state")),
        ApplicationEvent.objects.count(),
    )


@pytest.fixture
def awaiting(users):
    application = ApplicationFactory(awaiting_payment=True)  # national standard, fixed 200,000 元
    approve_by_reply([application], by=users["office"], checker=users["approver2"])
    return application


@pytest.fixture
def provisional(users):
    application = ApplicationFactory(awaiting_payment=True, reward_item=item("china_time_honored_brand"))
    approve_by_reply([application], by=users["office"], checker=users["approver2"])
    return application


def pay(application, users, amount, note="", who="office"):
    return services.payment_record(
        application=application,
        by=users[who],
        amount_yuan=amount,
        paid_on=dt.date(2025, 4, 1),
        voucher_number="JLCZ-1",
        note=note,
        today=TODAY,
    )


# --- 4. payments bounded ------------------------------------------------------------------------


def test_fixed_line_pays_the_approved_amount_once_confirmed(awaiting, users):
    change = pay(awaiting, users, 200_000)
    services.money_change_confirm(change=change, by=users["approver"])
    awaiting.refresh_from_db()
    assert (awaiting.status, awaiting.paid_amount_yuan) == ("paid", 200_000)
    assert (awaiting.payment_recorded_by, awaiting.payment_confirmed_by) == (
        users["office"],
        users["approver"],
    )
    event = awaiting.events.get(action="pay")
    assert "经办人 办公室甲" in event.comment and "审核人 瞿建民" in event.comment


def test_above_the_approved_amount_on_a_fixed_line_is_refused(awaiting, users):
    before = money_state()
    with pytest.raises(ServiceError, match="超过核定金额") as refused:
        pay(awaiting, users, 200_001, note="多拨")
    assert refused.value.code == "above_approved"
    assert money_state() == before


def test_a_partial_payment_needs_a_reason_and_a_second_person(awaiting, users):
    before = money_state()
    with pytest.raises(ServiceError, match="写明原因") as refused:
        pay(awaiting, users, 100_000)
    assert refused.value.code == "note_required"
    assert money_state() == before
    change = pay(awaiting, users, 100_000, note="分期拨付，第一期")
    awaiting.refresh_from_db()
    assert (awaiting.status, awaiting.paid_amount_yuan) == ("awaiting_payment", None)
    services.money_change_confirm(change=change, by=users["approver2"])
    awaiting.refresh_from_db()
    assert (awaiting.status, awaiting.paid_amount_yuan, awaiting.payment_note) == (
        "paid",
        100_000,
        "分期拨付，第一期",
    )


def test_provisional_line_may_pay_the_provincial_allocation_above_the_schedule(provisional, users):
    change = pay(provisional, users, 650_000, note="以省级财政拨付为准：鄂财商发〔2025〕3号")
    services.money_change_confirm(change=change, by=users["approver"])
    provisional.refresh_from_db()
    assert (provisional.status, provisional.paid_amount_yuan) == ("paid", 650_000)


@pytest.mark.parametrize("amount", OUT_OF_RANGE)
def test_out_of_range_payment_amounts_are_refused_in_chinese(provisional, users, amount):
    before = money_state()
    with pytest.raises(ServiceError, match="正整数|超出合理范围") as refused:
        pay(provisional, users, amount, note="省级拨付")
    assert refused.value.code == "bad_payment"
    assert money_state() == before


@pytest.mark.parametrize(
    "amount", ["2147483647", "2147483648", "99999999999999999999", "-5", "1.5", "二十万"]
)
def test_out_of_range_payment_form_answers_in_chinese_not_500(client, users, provisional, amount):
    client.force_login(users["office"])
    before = money_state()
    response = client.post(
        reverse("awards:payment_record", args=[provisional.pk]),
        {"amount_yuan": amount, "paid_on": "2025-04-01", "voucher_number": "V", "note": "省级"},
    )
    assert response.status_code == 200
    assert any(word in response.content.decode() for word in ("超出合理范围", "正整数", "整数金额"))
    assert money_state() == before


@pytest.mark.parametrize("amount", ["2147483648", "-1"])
def test_out_of_range_amounts_in_the_legacy_and_schedule_forms_answer_in_chinese(client, users, amount):
    client.force_login(users["office"])
    before = money_state()
    legacy = client.post(
        reverse("awards:legacy_create"),
        {
            "credit_code": users["enterprise_a"].enterprise.credit_code,
            "reward_item": "national_standard",
            "award_date": "2023-05-01",
            "reference": "GB/T 1-2023",
            "amount_yuan": amount,
            "paid_on": "2023-06-01",
        },
    )
    schedule = client.post(
        reverse("awards:reward_item_edit", args=["national_standard"]),
        {
            "amount_yuan": amount,
            "funding_source": "city",
            "active": "on",
            "effective_from": "2022-01-01",
            "amount_from": "2026-01-01",
            "reason": "x",
        },
    )
    for response in (legacy, schedule):
        assert response.status_code == 200
        assert "超出合理范围" in response.content.decode() or "正整数" in response.content.decode()
    assert money_state() == before


def test_out_of_range_legacy_row_is_refused_by_the_service(users):
    row = services.LegacyRow(
        row_number=2,
        credit_code=users["enterprise_a"].enterprise.credit_code,
        enterprise_name="",
        reward_code="national_standard",
        award_date=dt.date(2023, 5, 1),
        reference="GB/T 9-2023",
        issuing_body="",
        amount_yuan=2**31,
        paid_on=dt.date(2023, 6, 1),
        voucher_number="",
        note="",
    )
    before = money_state()
    with pytest.raises(ServiceError, match="超出合理范围") as refused:
        services.legacy_record(row=row, by=users["office"])
    assert refused.value.code == "bad_legacy"
    assert money_state() == before


# --- 5. maker-checker -----------------------------------------------------------------------------


def test_the_maker_cannot_confirm_their_own_payment(awaiting, users):
    change = pay(awaiting, users, 200_000, who="approver")
    before = money_state()
    with pytest.raises(ServiceError, match="不能确认自己登记") as refused:
        services.money_change_confirm(change=change, by=users["approver"])
    assert refused.value.code == "own_change"
    assert money_state() == before


def test_office_staff_cannot_confirm_money_changes(awaiting, users):
    change = pay(awaiting, users, 200_000, who="approver")
    before = money_state()
    with pytest.raises(PermissionDenied):
        services.money_change_confirm(change=change, by=users["office"])
    assert money_state() == before


def test_the_database_refuses_a_change_checked_by_its_maker(awaiting, users):
    change = pay(awaiting, users, 200_000)
    with pytest.raises(IntegrityError), transaction.atomic():
        MoneyChange.objects.filter(pk=change.pk).update(
            state="confirmed", checked_by=users["office"], checked_at=change.made_at
        )


def test_a_refused_payment_changes_nothing_and_may_be_recorded_again(awaiting, users):
    change = pay(awaiting, users, 200_000)
    with pytest.raises(ServiceError, match="理由") as refused:
        services.money_change_refuse(change=change, by=users["approver"], comment="")
    assert refused.value.code == "comment_required"
    services.money_change_refuse(change=change, by=users["approver"], comment="凭证号有误")
    awaiting.refresh_from_db()
    assert (awaiting.status, awaiting.paid_amount_yuan) == ("awaiting_payment", None)
    with pytest.raises(ServiceError, match="已退回") as refused:
        services.money_change_confirm(change=change, by=users["approver2"])
    assert refused.value.code == "decided"
    pay(awaiting, users, 200_000)
    assert awaiting.money_changes.filter(state="pending").count() == 1


def schedule_change(users, who="office", amount=300_000, amount_from=dt.date(2026, 1, 1)):
    return services.reward_item_update(
        item=item("national_standard"),
        by=users[who],
        amount_yuan=amount,
        amount_from=amount_from,
        funding_source="city",
        provisional=False,
        active=True,
        effective_from=dt.date(2022, 1, 1),
        reason="监政办发〔2026〕9号",
    )


def test_a_schedule_change_is_pending_until_another_approver_confirms(users):
    change = schedule_change(users, who="approver")
    assert item("national_standard").amount_yuan == 200_000
    with pytest.raises(ServiceError, match="不能确认自己登记") as refused:
        services.money_change_confirm(change=change, by=users["approver"])
    assert refused.value.code == "own_change"
    assert item("national_standard").amount_yuan == 200_000
    with pytest.raises(ServiceError, match="已有一项同类变更") as refused:
        schedule_change(users, amount=250_000)
    assert refused.value.code == "pending_exists"
    services.money_change_confirm(change=change, by=users["approver2"])
    line = item("national_standard")
    assert line.amount_yuan == 300_000
    latest = line.history.first()
    assert latest.history_user == users["approver2"] and "经办人 瞿建民" in latest.history_change_reason


def test_a_change_of_funding_source_is_pending_too(users):
    change = services.reward_item_update(
        item=item("luban_prize"),
        by=users["office"],
        amount_yuan=500_000,
        funding_source="jingzhou",
        provisional=False,
        active=True,
        effective_from=dt.date(2022, 1, 1),
        reason="调整",
    )
    assert item("luban_prize").funding_source_id == "city"
    services.money_change_confirm(change=change, by=users["approver"])
    assert item("luban_prize").funding_source_id == "jingzhou"


def test_a_legacy_correction_is_pending_until_confirmed_and_keeps_both_names(users):
    legacy = ApplicationFactory(paid=True, is_legacy=True, paid_amount_yuan=200_000)
    change = services.legacy_correct(
        application=legacy,
        by=users["office"],
        amount_yuan=180_000,
        paid_on=dt.date(2025, 4, 1),
        voucher_number="PZ-9",
        reference=legacy.reference,
        reason="原始凭证金额为 18 万元",
        today=TODAY,
    )
    legacy.refresh_from_db()
    assert legacy.paid_amount_yuan == 200_000
    with pytest.raises(PermissionDenied):
        services.money_change_confirm(change=change, by=users["office"])
    services.money_change_confirm(change=change, by=users["approver"])
    legacy.refresh_from_db()
    assert (legacy.paid_amount_yuan, legacy.voucher_number) == (180_000, "PZ-9")
    latest = legacy.history.first()
    assert latest.history_user == users["approver"] and "经办人 办公室甲" in latest.history_change_reason


def test_pending_changes_are_visible_on_the_changes_page(client, users, awaiting):
    pay(awaiting, users, 200_000)
    client.force_login(users["office"])
    page = client.get(reverse("awards:money_changes")).content.decode()
    assert "待确认（1）" in page and "JLCZ-1" in page and "由您登记" in page
    detail = client.get(awaiting.get_absolute_url()).content.decode()
    assert "待审核人确认" in detail and "登记拨付</a>" not in detail


def test_the_maker_cannot_confirm_through_the_page(client, users, awaiting):
    change = pay(awaiting, users, 200_000, who="approver")
    client.force_login(users["approver"])
    before = money_state()
    response = client.post(reverse("awards:money_change_confirm", args=[change.pk]), follow=True)
    assert "不能确认自己登记" in response.content.decode()
    assert money_state() == before


# --- 6. amounts by date -------------------------------------------------------------------------


def test_an_application_takes_the_amount_in_force_on_its_award_date(users, ent_user):
    submitted = ApplicationFactory(enterprise=ent_user.enterprise, award_date=dt.date(2026, 3, 1))
    services.money_change_confirm(change=schedule_change(users), by=users["approver"])

    def assessed(award_date, reference):
        return services.application_submit(
            enterprise=ent_user.enterprise,
            reward_code="national_standard",
            award_date=award_date,
            reference=reference,
            by=ent_user,
            today=dt.date(2026, 6, 1),
        ).amount_yuan

    assert assessed(dt.date(2025, 12, 31), "GB/T 1-2025") == 200_000
    assert assessed(dt.date(2026, 1, 1), "GB/T 2-2026") == 300_000
    submitted.refresh_from_db()
    assert submitted.amount_yuan == 200_000  # the snapshot it was assessed with


def test_an_amount_change_needs_its_start_date(users):
    before = money_state()
    with pytest.raises(ServiceError, match="适用起始日") as refused:
        schedule_change(users, amount_from=None)
    assert refused.value.code == "amount_from"
    assert money_state() == before


def test_the_django_admin_cannot_change_money_data_alone(client, users):
    line = item("national_standard")
    client.force_login(users["admin"])
    url = reverse("admin:awards_rewarditem_change", args=[line.pk])
    page = client.get(url).content.decode()
    assert 'name="amount_yuan"' not in page  # shown read-only
    client.post(url, {"code": line.code, "name": line.name, "amount_yuan": 9_999_999, "family": line.family})
    assert item("national_standard").amount_yuan == 200_000
    paid = ApplicationFactory(paid=True, is_legacy=True)
    page = client.get(reverse("admin:awards_application_change", args=[paid.pk])).content.decode()
    assert 'name="paid_amount_yuan"' not in page and 'name="reference"' not in page


def test_the_approvers_workbench_says_what_waits_for_a_second_person(client, users, awaiting):
    pay(awaiting, users, 200_000)
    client.force_login(users["approver"])
    assert "有 1 项资金变更" in client.get("/workbench/").content.decode()
    client.force_login(users["office"])  # the maker: nothing for them to confirm
    assert "项资金变更" not in client.get("/workbench/").content.decode()
