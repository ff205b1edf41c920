"""What the office may adjust itself: the reward schedule, the 公示 length and the working-day calendar."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from core.models import CalendarDay, SiteSetting

from ..models import FundingSource, RewardItem
from ._workflow import require_office


def reward_item_update(
    *,
    item: RewardItem,
    updated_by: User,
    amount_yuan: int,
    funding_source: str,
    provisional: bool,
    active: bool,
    effective_from: dt.date,
    reason: str,
) -> RewardItem:
    """Correct a line of the schedule; the change and its reason are kept in the item's history.

    Applications already submitted keep the amount they were assessed with.
    """
    require_office(updated_by)
    if not reason.strip():
        raise ValidationError("请填写修改依据（如文件文号），修改记录将长期保存。", code="reason")
    if amount_yuan is None or amount_yuan <= 0:
        raise ValidationError("奖励金额须为正整数（元）。", code="amount")
    if funding_source not in FundingSource.values:
        raise ValidationError("请选择资金来源。", code="funding")
    with transaction.atomic():
        item = RewardItem.objects.select_for_update().get(pk=item.pk)
        item.amount_yuan = amount_yuan
        item.funding_source = funding_source
        item.provisional = provisional
        item.active = active
        item.effective_from = effective_from
        item._change_reason = reason.strip()[:100]
        item.save()
    return item


def publicity_settings_update(
    *, updated_by: User, publicity_workdays: int, review_service_limit_workdays: int
) -> SiteSetting:
    require_office(updated_by)
    if not 1 <= publicity_workdays <= 30:
        raise ValidationError("公示期应为 1 至 30 个工作日。", code="publicity_workdays")
    if not 1 <= review_service_limit_workdays <= 60:
        raise ValidationError("审核服务时限应为 1 至 60 个工作日。", code="review_limit")
    setting = SiteSetting.get()
    setting.publicity_workdays = publicity_workdays
    setting.review_service_limit_workdays = review_service_limit_workdays
    setting.save(update_fields=["publicity_workdays", "review_service_limit_workdays", "updated_at"])
    return setting


def calendar_day_set(*, updated_by: User, day: dt.date, is_workday: bool, note: str = "") -> CalendarDay:
    """Declare a day a holiday or a make-up working day (years chinesecalendar does not know, or fixes)."""
    require_office(updated_by)
    entry, _ = CalendarDay.objects.update_or_create(
        date=day, defaults={"is_workday": is_workday, "note": note.strip()[:100]}
    )
    return entry


def calendar_day_remove(*, updated_by: User, entry: CalendarDay) -> None:
    require_office(updated_by)
    entry.delete()
