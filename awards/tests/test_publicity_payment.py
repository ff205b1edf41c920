"""公示 (window in working days, objections hold the case), the daily move to 待拨付, and payment."""

import datetime as dt

import pytest

from awards import services
from awards.models import Application, Objection, PublicityBatch
from awards.tests.factories import approve_by_reply
from core.errors import ServiceError
from core.models import CalendarDay, SiteSetting

pytestmark = pytest.mark.django_db
Status = Application.Status


@pytest.fixture
def publish(users):
    def _publish(applications, start, today=None):
        return services.publicity_publish(
            applications=applications,
            start_date=start,
            by=users["office"],
            contact_phone="0716-3300000",
            contact_address="市市场监管局 301 室",
            today=today or start,
        )

    return _publish


def test_window_counts_working_days_across_national_day(reviewed, publish):
    batch = publish([reviewed()], dt.date(2025, 9, 30))
    # 10月1日—8日放假, 10月11日（周六）调休上班
    assert batch.end_date == dt.date(2025, 10, 14)
    assert batch.workdays == 5
    assert batch.title == "2025年度质量品牌奖励拟奖励名单公示（第1批）"


def test_window_length_is_the_offices_setting(reviewed, publish):
    SiteSetting.objects.update_or_create(id=1, defaults={"publicity_workdays": 7})
    batch = publish([reviewed()], dt.date(2025, 3, 3))  # a Monday
    assert batch.end_date == dt.date(2025, 3, 12)


def test_office_calendar_is_used_for_years_the_library_does_not_know(reviewed, publish):
    CalendarDay.objects.create(date=dt.date(2030, 2, 4), is_workday=False, note="春节")
    CalendarDay.objects.create(date=dt.date(2030, 2, 5), is_workday=False, note="春节")
    CalendarDay.objects.create(date=dt.date(2030, 2, 9), is_workday=True, note="调休上班")
    batch = publish([reviewed()], dt.date(2030, 2, 1), today=dt.date(2030, 2, 1))  # a Friday
    # after 2/1: 2/4, 2/5 off; 2/6 (Wed), 2/7, 2/8, 2/9 (Sat, make-up), 2/11
    assert batch.end_date == dt.date(2030, 2, 11)


def test_publishing_moves_applications_into_publicity_with_a_step_each(reviewed, publish, users):
    application = reviewed()
    batch = publish([application], dt.date(2025, 3, 3))
    application.refresh_from_db()
    assert application.status == Status.PUBLICITY
    assert application.publicity_batch == batch
    assert application.events.last().action == "publish"


def test_only_applications_that_passed_second_review_can_be_published(submit, publish):
    application = submit()
    with pytest.raises(ServiceError, match="只有复核通过") as refused:
        publish([application], dt.date(2025, 3, 3))
    assert refused.value.code == "illegal_transition"
    assert not PublicityBatch.objects.exists()
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_publicity_cannot_start_in_the_past(reviewed, publish):
    with pytest.raises(ServiceError, match="不能早于今天") as refused:
        publish([reviewed()], dt.date(2025, 3, 3), today=dt.date(2025, 3, 4))
    assert refused.value.code == "start_past"
    assert not PublicityBatch.objects.exists()


def test_window_end_moves_to_awaiting_payment_once(reviewed, publish):
    application = reviewed()
    batch = publish([application], dt.date(2025, 3, 3))
    assert services.publicity_advance_due(today=batch.end_date) == 0  # the last day still counts
    assert services.publicity_advance_due(today=batch.end_date + dt.timedelta(days=1)) == 1
    assert services.publicity_advance_due(today=batch.end_date + dt.timedelta(days=1)) == 0
    application.refresh_from_db()
    assert application.status == Status.AWAITING_PAYMENT
    assert application.events.filter(action="publicity_end").count() == 1
    assert application.events.get(action="publicity_end").actor is None


def test_an_open_objection_holds_the_case_until_resolved(reviewed, publish, users):
    application = reviewed()
    batch = publish([application], dt.date(2025, 3, 3))
    objection = services.objection_record(
        application=application,
        received_on=dt.date(2025, 3, 5),
        content="该标准并非该企业主导起草",
        objector="张某 138…",
        by=users["office"],
        today=dt.date(2025, 3, 5),
    )
    after = batch.end_date + dt.timedelta(days=3)
    assert services.publicity_advance_due(today=after) == 0
    application.refresh_from_db()
    assert application.status == Status.PUBLICITY
    services.objection_resolve(
        objection=objection,
        by=users["office"],
        upheld=False,
        resolution="经核查起草单位名单，异议不成立",
        today=after,
    )
    application.refresh_from_db()
    assert application.status == Status.AWAITING_PAYMENT
    assert [e.action for e in application.events.all()][-3:] == [
        "objection",
        "objection_dismissed",
        "publicity_end",
    ]


def test_upheld_objection_rejects_the_application(reviewed, publish, users):
    application = reviewed()
    publish([application], dt.date(2025, 3, 3))
    objection = services.objection_record(
        application=application,
        received_on=dt.date(2025, 3, 4),
        content="证书系伪造",
        by=users["office"],
        today=dt.date(2025, 3, 4),
    )
    services.objection_resolve(
        objection=objection, by=users["office"], upheld=True, resolution="经核实证书不实"
    )
    application.refresh_from_db()
    objection.refresh_from_db()
    assert application.status == Status.REJECTED
    assert objection.outcome == Objection.Outcome.UPHELD
    with pytest.raises(ServiceError, match="已经处理") as refused:
        services.objection_resolve(objection=objection, by=users["office"], upheld=False, resolution="x")
    assert refused.value.code == "already_resolved"


def test_objection_outside_the_window_is_refused(reviewed, publish, users):
    application = reviewed()
    batch = publish([application], dt.date(2025, 3, 3))
    with pytest.raises(ServiceError, match="公示期内") as refused:
        services.objection_record(
            application=application,
            received_on=batch.end_date + dt.timedelta(days=1),
            content="迟到的异议",
            by=users["office"],
            today=batch.end_date + dt.timedelta(days=1),
        )
    assert refused.value.code == "outside_window"
    assert not Objection.objects.exists()


@pytest.fixture
def awaiting(reviewed, publish, users):
    application = reviewed()
    batch = publish([application], dt.date(2025, 3, 3))
    services.publicity_advance_due(today=batch.end_date + dt.timedelta(days=1))
    approve_by_reply([application], by=users["office"], checker=users["approver2"])
    return application


def test_payment_is_recorded_with_amount_date_and_voucher(awaiting, users):
    change = services.payment_record(
        application=awaiting,
        by=users["office"],
        amount_yuan=200_000,
        paid_on=dt.date(2025, 4, 1),
        voucher_number="JLCZ-2025-0401",
        today=dt.date(2025, 4, 2),
    )
    awaiting.refresh_from_db()
    assert (awaiting.status, awaiting.paid_amount_yuan) == (Status.AWAITING_PAYMENT, None)  # not yet
    services.money_change_confirm(change=change, by=users["approver"])
    application = Application.objects.get(pk=awaiting.pk)
    assert application.status == Status.PAID
    assert application.payment_confirmed_by == users["approver"]
    assert (application.paid_amount_yuan, application.paid_on, application.voucher_number) == (
        200_000,
        dt.date(2025, 4, 1),
        "JLCZ-2025-0401",
    )
    assert application.payment_recorded_by == users["office"]
    assert application.history.first().status == Status.PAID  # bulk path still writes history
    assert application.events.last().action == "pay"


def test_payment_recorded_twice_is_refused(awaiting, users):
    values = {
        "by": users["office"],
        "amount_yuan": 200_000,
        "paid_on": dt.date(2025, 4, 1),
        "voucher_number": "V-1",
        "today": dt.date(2025, 4, 2),
    }
    change = services.payment_record(application=awaiting, **values)
    with pytest.raises(ServiceError, match="不能重复登记") as refused:
        services.payment_record(application=awaiting, **{**values, "voucher_number": "V-2"})
    assert refused.value.code == "already_pending"
    assert list(awaiting.money_changes.values_list("payload__voucher_number", flat=True)) == ["V-1"]
    services.money_change_confirm(change=change, by=users["approver"])
    stale = Application.objects.get(pk=awaiting.pk)
    stale.status = Status.AWAITING_PAYMENT  # a second tab still showing the old state
    with pytest.raises(ServiceError, match="不能重复登记") as refused:
        services.payment_record(application=stale, **{**values, "voucher_number": "V-2"})
    assert refused.value.code == "already_paid"
    awaiting.refresh_from_db()
    assert (awaiting.voucher_number, awaiting.paid_amount_yuan) == ("V-1", 200_000)
    assert awaiting.events.filter(action="pay").count() == 1


def test_a_different_amount_needs_an_explanation(awaiting, users):
    with pytest.raises(ServiceError, match="不一致") as refused:
        services.payment_record(
            application=awaiting,
            by=users["office"],
            amount_yuan=150_000,
            paid_on=dt.date(2025, 4, 1),
            voucher_number="V-1",
            today=dt.date(2025, 4, 2),
        )
    assert refused.value.code == "note_required"
    awaiting.refresh_from_db()
    assert awaiting.status == Status.AWAITING_PAYMENT


@pytest.mark.parametrize(
    "amount,paid_on,message",
    [
        (0, dt.date(2025, 4, 1), "正整数"),
        (200_000, dt.date(2025, 4, 3), "晚于今天"),
        (200_000, dt.date(2023, 1, 1), "早于获奖日期"),
    ],
)
def test_bad_payment_values_are_refused(awaiting, users, amount, paid_on, message):
    with pytest.raises(ServiceError, match=message) as refused:
        services.payment_record(
            application=awaiting,
            by=users["office"],
            amount_yuan=amount,
            paid_on=paid_on,
            voucher_number="V-1",
            today=dt.date(2025, 4, 2),
        )
    assert refused.value.code == "bad_payment"
    awaiting.refresh_from_db()
    assert awaiting.status == Status.AWAITING_PAYMENT


def test_payment_before_publicity_ends_is_refused(reviewed, users):
    application = reviewed()
    with pytest.raises(ServiceError, match="只有待拨付") as refused:
        services.payment_record(
            application=application,
            by=users["office"],
            amount_yuan=200_000,
            paid_on=dt.date(2025, 4, 1),
            voucher_number="V-1",
            today=dt.date(2025, 4, 2),
        )
    assert refused.value.code == "illegal_transition"
