"""What the office may adjust itself: the reward schedule, the 公示 length and the working-day calendar."""

import datetime as dt

from django.core.exceptions import NON_FIELD_ERRORS

from accounts.models import User
from core.dates import cn_date
from core.errors import ServiceError
from core.history import save_with_history
from core.models import CalendarDay, SiteSetting
from core.rhythm_settings import apply_rhythm, validate_rhythm

from ..models import FundingSource, MoneyChange, RewardAmount, RewardItem
from ._changes import change_propose
from ._workflow import require_office
from .payment import amount_errors


def reward_item_update(
    *,
    item: RewardItem,
    by: User,
    amount_yuan: int,
    funding_source: str,
    provisional: bool,
    active: bool,
    effective_from: dt.date,
    reason: str,
    amount_from: dt.date | None = None,
) -> MoneyChange:
    """Propose a correction of a line of the schedule; it takes effect when another approver confirms.

    A new amount applies to awards obtained on or after ``amount_from``; applications keep the
    amount they were assessed with.
    """
    require_office(by)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写修改依据（如文件文号），修改记录将长期保存。", code="reason")
    errors = amount_errors(amount_yuan, "奖励金额")
    if errors:
        raise ServiceError(errors, code="amount")
    source = FundingSource.objects.filter(code=funding_source).first()
    if source is None:
        raise ServiceError("请选择资金来源。", code="funding")
    if effective_from is None:
        raise ServiceError("请填写适用起始日。", code="effective_from")
    changes = []
    amount_changed = amount_yuan != item.amount_yuan
    if amount_changed:
        if amount_from is None:
            raise ServiceError("修改金额时请填写新金额的适用起始日（按获奖日期）。", code="amount_from")
        if amount_from < effective_from:
            raise ServiceError("新金额的适用起始日不能早于奖项的适用起始日。", code="amount_from")
        changes.append(
            f"金额 {item.amount_yuan:,} 元 → {amount_yuan:,} 元（获奖日期自 {cn_date(amount_from)} 起）"
        )
    for label, old, new, text in (
        ("资金来源", item.funding_source_id, funding_source, source.name),
        ("以上级拨付为准", item.provisional, provisional, "是" if provisional else "否"),
        ("受理", item.active, active, "受理" if active else "停用"),
        ("适用起始日", item.effective_from, effective_from, f"{cn_date(effective_from)}"),
    ):
        if old != new:
            changes.append(f"{label} → {text}")
    if not changes:
        raise ServiceError("没有修改任何内容。", code="unchanged")
    return change_propose(
        kind=MoneyChange.Kind.REWARD_ITEM,
        by=by,
        summary=f"奖励项目“{item.name}”：" + "；".join(changes) + "。",
        reason=reason,
        reward_item=item,
        payload={
            "amount_yuan": amount_yuan,
            "amount_from": amount_from.isoformat() if amount_changed and amount_from else None,
            "funding_source": funding_source,
            "provisional": provisional,
            "active": active,
            "effective_from": effective_from.isoformat(),
        },
    )


def reward_item_apply(change: MoneyChange, *, by: User) -> RewardItem:
    assert change.reward_item_id is not None  # a change of kind REWARD_ITEM names its line
    item = RewardItem.objects.select_for_update().get(pk=change.reward_item_id)
    data = change.payload
    if data["amount_from"]:
        if not item.amounts.exists():  # the amount in force until now, from the line's first day
            RewardAmount.objects.create(
                reward_item=item, amount_yuan=item.amount_yuan, valid_from=item.effective_from
            )
        RewardAmount.objects.update_or_create(
            reward_item=item,
            valid_from=dt.date.fromisoformat(data["amount_from"]),
            defaults={"amount_yuan": data["amount_yuan"]},
        )
        item.amount_yuan = data["amount_yuan"]
    item.funding_source_id = data["funding_source"]
    item.provisional = data["provisional"]
    item.active = data["active"]
    item.effective_from = dt.date.fromisoformat(data["effective_from"])
    save_with_history(
        item, by, reason=f"{change.reason}（经办人 {change.made_by.display_name}，审核人 {by.display_name}）"
    )
    return item


def publicity_settings_update(
    *, by: User, publicity_workdays: int, review_service_limit_workdays: int
) -> SiteSetting:
    require_office(by)
    if not 1 <= publicity_workdays <= 30:
        raise ServiceError("公示期应为 1 至 30 个工作日。", code="publicity_workdays")
    if not 1 <= review_service_limit_workdays <= 60:
        raise ServiceError("审核服务时限应为 1 至 60 个工作日。", code="review_limit")
    setting = SiteSetting.get()
    setting.publicity_workdays = publicity_workdays
    setting.review_service_limit_workdays = review_service_limit_workdays
    setting.save(update_fields=["publicity_workdays", "review_service_limit_workdays", "updated_at"])
    return setting


# the settings page's field → the rhythm section's field (core.rhythm_settings)
RHYTHM_FORM_FIELDS = {
    "reporting_rhythm": "rhythm",
    "report_due_days_after_half": "due_days_after_period",
    "amber_band_pct": "amber_band_pct",
}


def reporting_settings_update(
    *,
    by: User,
    reporting_rhythm: str,
    report_due_days_after_half: int,
    report_remind_first_days: int,
    report_remind_second_days: int,
    amber_band_pct: int,
) -> list[str]:
    """The office's reporting rhythm, due days, reminder days and amber band (recorded in the
    settings' history; the beat schedule follows). Returns the fields changed; nothing is written
    when any value is refused."""
    require_office(by)
    section = {
        "rhythm": reporting_rhythm,
        "due_days_after_period": report_due_days_after_half,
        "reminder_days": [report_remind_first_days, report_remind_second_days],
        "amber_band_pct": amber_band_pct,
    }
    errors = validate_rhythm(section)
    if errors:
        back = {v: k for k, v in RHYTHM_FORM_FIELDS.items()} | {"reminder_days": "report_remind_first_days"}
        raise ServiceError(
            {back.get(path.split(".", 1)[1], NON_FIELD_ERRORS): [message] for path, message in errors},
            code="bad_rhythm",
        )
    return apply_rhythm(section, by=by, reason="办公室修改报送周期与提醒设置")


def calendar_day_set(*, by: User, day: dt.date, is_workday: bool, note: str = "") -> CalendarDay:
    """Declare a day a holiday or a make-up working day (years chinesecalendar does not know, or fixes)."""
    require_office(by)
    entry, _ = CalendarDay.objects.update_or_create(
        date=day, defaults={"is_workday": is_workday, "note": note.strip()[:100]}
    )
    return entry


def calendar_day_remove(*, by: User, entry: CalendarDay) -> None:
    require_office(by)
    entry.delete()
