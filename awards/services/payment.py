"""拨付: recording the payment of an application that has passed 公示."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.dates import cn_date

from ..models import Application
from ._workflow import Action, Status, record, require_office, wan


def validate_payment(
    *, amount_yuan: int | None, paid_on: dt.date | None, award_date: dt.date | None, today: dt.date
) -> None:
    errors = []
    if amount_yuan is None or amount_yuan <= 0:
        errors.append("实际拨付金额须为正整数（元）。")
    if paid_on is None:
        errors.append("请填写拨付日期。")
    elif paid_on > today:
        errors.append("拨付日期不能晚于今天。")
    elif award_date and paid_on < award_date:
        errors.append("拨付日期不能早于获奖日期。")
    if errors:
        raise ValidationError(errors, code="bad_payment")


def payment_record(
    *,
    application: Application,
    recorded_by: User,
    amount_yuan: int,
    paid_on: dt.date,
    voucher_number: str,
    note: str = "",
    today: dt.date | None = None,
) -> Application:
    """Record the payment (actual amount, date, voucher number) of an application 待拨付 → 已拨付."""
    require_office(recorded_by)
    today = today or timezone.localdate()
    validate_payment(amount_yuan=amount_yuan, paid_on=paid_on, award_date=application.award_date, today=today)
    voucher_number = (voucher_number or "").strip()
    note = (note or "").strip()
    if not voucher_number:
        raise ValidationError("请填写拨付凭证号。", code="voucher")
    if amount_yuan != application.amount_yuan and not note:
        raise ValidationError(
            f"实际拨付金额（{amount_yuan:,} 元）与核定金额（{application.amount_yuan:,} 元）不一致，"
            "请在拨付说明中写明原因（如以省级财政拨付为准）。",
            code="note_required",
        )
    now = timezone.now()
    with transaction.atomic():
        # race: the same payment entered twice (a double click, two colleagues); the UPDATE …
        # WHERE status = 待拨付 succeeds once and the second finds nothing to update
        claimed = Application.objects.filter(pk=application.pk, status=Status.AWAITING_PAYMENT).update(
            status=Status.PAID,
            paid_amount_yuan=amount_yuan,
            paid_on=paid_on,
            voucher_number=voucher_number,
            payment_note=note,
            payment_recorded_by=recorded_by,
            payment_recorded_at=now,
            updated_at=now,
        )
        if not claimed:
            application.refresh_from_db(fields=["status"])
            if application.status == Status.PAID:
                raise ValidationError("该申报已经登记过拨付，不能重复登记。", code="already_paid")
            raise ValidationError(
                f"该申报当前状态为“{application.get_status_display()}”，只有待拨付的申报才能登记拨付。",
                code="illegal_transition",
            )
        application = Application.objects.select_related("enterprise", "reward_item").get(pk=application.pk)
        Application.history.bulk_history_create(
            [application], update=True, default_user=recorded_by, default_change_reason="登记拨付"
        )
        comment = f"实际拨付 {wan(amount_yuan)}（{amount_yuan:,} 元），拨付日期 {cn_date(paid_on)}，凭证号 {voucher_number}。"
        if note:
            comment += f"说明：{note}"
        record(
            application,
            action=Action.PAY,
            from_status=Status.AWAITING_PAYMENT,
            actor=recorded_by,
            comment=comment,
        )
    return application
