"""拨付: a payment is recorded by office staff (经办人) and takes effect when an approver who is
not the recorder (审核人) confirms it (maker-checker for money)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.dates import cn_date
from core.errors import ServiceError

from ..models import MAX_AMOUNT_YUAN, Application, MoneyChange
from ._changes import change_propose, pending_change
from ._workflow import Action, Status, lock, record, refuse_state, require_office, wan


def amount_errors(amount_yuan: object, label: str) -> list[str]:
    """Every amount of money the platform accepts: a whole number of 元, 1 元 to 1 亿元."""
    if amount_yuan is None or isinstance(amount_yuan, bool) or not isinstance(amount_yuan, int):
        return [f"{label}须为整数（元）。"]
    if amount_yuan <= 0:
        return [f"{label}须为正整数（元），不能为零或负数。"]
    if amount_yuan > MAX_AMOUNT_YUAN:
        return [f"{label}（{amount_yuan:,} 元）超出合理范围：单笔不能超过 {MAX_AMOUNT_YUAN:,} 元（1 亿元）。"]
    return []


def validate_payment(
    *, amount_yuan: int | None, paid_on: dt.date | None, award_date: dt.date | None, today: dt.date
) -> None:
    errors = amount_errors(amount_yuan, "实际拨付金额")
    if paid_on is None:
        errors.append("请填写拨付日期。")
    elif paid_on > today:
        errors.append("拨付日期不能晚于今天。")
    elif award_date and paid_on < award_date:
        errors.append("拨付日期不能早于获奖日期。")
    if errors:
        raise ServiceError(errors, code="bad_payment")


def _check_against_approval(application: Application, amount_yuan: int, note: str) -> None:
    """三(二): never more than approved (by the reply), except a 以省级财政拨付为准 line; any difference explained."""
    approved = application.approved_amount_yuan or application.amount_yuan
    if amount_yuan > approved and not application.provisional:
        raise ServiceError(
            f"实际拨付金额（{amount_yuan:,} 元）超过核定金额（{approved:,} 元）：该奖项为固定金额，"
            "不能超额拨付。",
            code="above_approved",
        )
    if amount_yuan != approved and not note:
        raise ServiceError(
            f"实际拨付金额（{amount_yuan:,} 元）与核定金额（{approved:,} 元）不一致，"
            "请在拨付说明中写明原因（如以省级财政拨付为准、分期拨付）。",
            code="note_required",
        )


def payment_record(
    *,
    application: Application,
    by: User,
    amount_yuan: int,
    paid_on: dt.date,
    voucher_number: str,
    note: str = "",
    today: dt.date | None = None,
) -> MoneyChange:
    """Record a payment of an application 待拨付: pending until an approver confirms it."""
    require_office(by)
    today = today or timezone.localdate()
    validate_payment(amount_yuan=amount_yuan, paid_on=paid_on, award_date=application.award_date, today=today)
    voucher_number = (voucher_number or "").strip()
    note = (note or "").strip()
    if not voucher_number:
        raise ServiceError("请填写拨付凭证号。", code="voucher")
    with transaction.atomic():
        # race: the same payment entered twice (a double click, two colleagues); the row lock
        # serialises them and the second finds the first one pending
        application = lock(application)
        if application.status == Status.PAID:
            raise ServiceError("该申报已经登记过拨付，不能重复登记。", code="already_paid")
        if application.status != Status.AWAITING_PAYMENT:
            raise refuse_state(application, "登记拨付（只有待拨付的申报才能登记拨付）")
        if application.approved_amount_yuan is None:
            raise ServiceError(
                "该申报尚未收到上级批复：请先列入报请批次并登记、确认批复，批复同意后才能登记拨付。",
                code="no_reply",
            )
        if pending_change(application=application):
            raise ServiceError(
                "该申报已有一笔拨付登记在等待审核人确认，不能重复登记。", code="already_pending"
            )
        _check_against_approval(application, amount_yuan, note)
        summary = (
            f"{application.code} {application.enterprise.name} {application.reward_item.name}："
            f"实际拨付 {wan(amount_yuan)}（{amount_yuan:,} 元，核定 {application.approved_amount_yuan:,} 元），"
            f"拨付日期 {cn_date(paid_on)}，凭证号 {voucher_number}。"
        )
        change = change_propose(
            kind=MoneyChange.Kind.PAYMENT,
            by=by,
            summary=summary,
            reason=note,
            application=application,
            payload={
                "amount_yuan": amount_yuan,
                "paid_on": paid_on.isoformat(),
                "voucher_number": voucher_number[:60],
                "note": note[:200],
            },
        )
        record(
            application,
            action=Action.PAY_PENDING,
            from_status=application.status,
            actor=by,
            comment=summary + (f"说明：{note}" if note else ""),
            notify_enterprise=False,
        )
    return change


def payment_apply(change: MoneyChange, *, by: User) -> Application:
    """The confirmation of a recorded payment: 待拨付 → 已拨付, with both names kept."""
    data = change.payload
    now = timezone.now()
    assert change.application_id is not None  # a payment names its application
    # race: a payment confirmed twice; the UPDATE … WHERE status = 待拨付 succeeds once
    claimed = Application.objects.filter(
        pk=change.application_id, status=Status.AWAITING_PAYMENT, approved_amount_yuan__isnull=False
    ).update(
        status=Status.PAID,
        paid_amount_yuan=data["amount_yuan"],
        paid_on=dt.date.fromisoformat(data["paid_on"]),
        voucher_number=data["voucher_number"],
        payment_note=data["note"],
        payment_recorded_by=change.made_by,
        payment_recorded_at=change.made_at,
        payment_confirmed_by=by,
        payment_confirmed_at=now,
        updated_at=now,
    )
    application = Application.objects.select_related("enterprise", "reward_item").get(
        pk=change.application_id
    )
    if not claimed:
        raise refuse_state(application, "确认拨付")
    who = f"经办人 {change.made_by.display_name}，审核人 {by.display_name}"
    Application.history.bulk_history_create(
        [application],
        update=True,
        default_user=by,
        default_change_reason=f"拨付确认（{who}）"[:100],
    )
    record(
        application,
        action=Action.PAY,
        from_status=Status.AWAITING_PAYMENT,
        actor=by,
        comment=f"{change.summary}{who}。" + (f"说明：{data['note']}" if data["note"] else ""),
    )
    return application


def payment_refused(change: MoneyChange, *, by: User) -> None:
    application = change.application
    assert application is not None  # a payment names its application
    record(
        application,
        action=Action.PAY_REFUSED,
        from_status=application.status,
        actor=by,
        comment=f"{change.summary}退回意见：{change.check_comment}",
        notify_enterprise=False,
    )
