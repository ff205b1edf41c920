"""The rules of 三(二), checked by the system before anything is stored.

``check_eligibility`` is the one interface other parts of the product rely on (issue 4, point 3).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from ..models import CLOSED_STATUSES, Application, Enterprise, FundingSource, RewardItem, RewardTier
from ..validators import canonical_reference
from ._workflow import cn_date
from .integrity import Kind, claims_against, flag_text
from .rules import assess_amount


@dataclass(frozen=True)
class EligibilityResult:
    eligible: bool
    amount_yuan: int
    funding_source: str  # the FundingSource code ("jingzhou", "province", "city" in Jianli; "" when unknown)
    provisional: bool
    reasons: list[str] = field(default_factory=list)  # why not eligible (Chinese); empty when eligible
    flags: list[str] = field(default_factory=list)  # allowed, but a reviewer must decide (Chinese)
    reward_item: RewardItem | None = None
    tier: RewardTier | None = None  # the level or grade picked, for a tiered line
    standard_amount_yuan: int = 0  # the line's (tier's) amount in force on the award date
    notes: list[str] = field(default_factory=list)  # how the line's rules set the amount (Chinese)

    @property
    def funding_source_label(self) -> str:
        if not self.funding_source:
            return ""
        if self.reward_item is not None and self.reward_item.funding_source_id == self.funding_source:
            return str(self.reward_item.funding_source.name)
        return FundingSource.objects.get(code=self.funding_source).name


def _live_applications(enterprise: Enterprise, exclude_id: int | None) -> QuerySet[Application]:
    if enterprise.pk is None:  # an enterprise not registered yet (legacy entry) has no applications
        return Application.objects.none()
    qs = Application.objects.filter(enterprise=enterprise).exclude(status__in=CLOSED_STATUSES)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    return qs


def duplicate_message(existing: Application | None = None) -> str:
    """Tell the enterprise which earlier application or reward of its own the award collides with."""
    text = "同一奖项不得重复奖励：本企业已有该奖项、同一证书（标准、商标）编号的申报或奖励记录"
    if existing is None:
        return text + "，不能重复申报。"
    typed = f"，原编号“{existing.reference}”" if existing.reference else ""
    if existing.status == Application.Status.DRAFT:
        return text + f"（草稿 {existing.code}{typed}），请在“我的申报”中继续编辑该草稿。"
    if existing.is_legacy:
        return (
            text + f"（系统上线前已兑现的奖励 {existing.code}{typed}，"
            f"{cn_date(existing.paid_on)}拨付），不能重复申报。"
        )
    return (
        text + f"（申报编号 {existing.code}{typed}，状态：{existing.get_status_display()}），不能重复申报。"
    )


def check_eligibility(
    *,
    enterprise: Enterprise,
    reward_code: str,
    award_date: dt.date | None,
    reference: str,
    today: dt.date | None = None,
    exclude_application_id: int | None = None,
    tier: str = "",
) -> EligibilityResult:
    """What the system concludes for one award: eligible or not, why, the amount and who pays it.

    Rules of 三(二): awards obtained on or after the item's effective date (2022-01-01, inclusive),
    an active item, and 同一奖项不得重复奖励 (one live application per enterprise, item and
    canonical reference). Allowed but flagged for an approver's ruling (``flags``): the same
    canonical reference claimed by another enterprise or under another line, and a nomination
    next to the full prize of the same family (the policy is silent).

    The line's rules as data (``rules.assess_amount``, issue 18): a tier picked by code (``tier``)
    for a tiered line, an end of validity (``valid_to``, inclusive), 补差 or 全额 after a nomination,
    按最高标准奖励 within a group and a yearly cap; each one that applies is explained in
    ``notes`` (or in ``reasons`` when the award pays nothing).
    """
    today = today or timezone.localdate()
    item = RewardItem.objects.filter(code=reward_code).first() if reward_code else None
    if item is None:
        return EligibilityResult(False, 0, "", False, ["请选择奖励标准中的奖励项目（未找到该奖项）。"])
    reasons: list[str] = []
    if not item.active:
        reasons.append(f"奖励项目“{item.name}”目前已停用，不再受理申报。")
    if award_date is None:
        reasons.append("请填写获奖（发布）日期。")
    elif award_date < item.effective_from:
        reasons.append(
            f"获奖日期 {cn_date(award_date)} 早于政策适用起始日 {cn_date(item.effective_from)}："
            f"三(二) 的奖励适用于该日（含）以后获得奖项的单位和组织。"
        )
    elif item.valid_to is not None and award_date > item.valid_to:
        reasons.append(
            f"获奖日期 {cn_date(award_date)} 晚于奖项“{item.name}”的适用截止日 {cn_date(item.valid_to)}："
            f"该奖项只适用于 {cn_date(item.effective_from)} 至 {cn_date(item.valid_to)}（含）获得的奖项。"
        )
    elif award_date > today:
        reasons.append(f"获奖日期 {cn_date(award_date)} 晚于今天，请填写证书上的实际日期。")
    picked = _tier(item, (tier or "").strip(), reasons)
    canonical = canonical_reference(reference)
    flags: list[str] = []
    if not canonical:
        reasons.append("请填写证书、标准或商标编号。")
    else:
        existing = (
            _live_applications(enterprise, exclude_application_id)
            .filter(reward_item=item, reference_canonical=canonical)
            .order_by("id")
            .first()
        )
        if existing is not None:
            reasons.append(duplicate_message(existing))
    if item.active:
        flags = [
            flag_text(kind, other, item)
            for kind, other in claims_against(
                enterprise=enterprise, item=item, canonical=canonical, exclude_id=exclude_application_id
            )
            if kind != Kind.SAME_AWARD
        ]
    if reasons or award_date is None:  # no date is one of the reasons
        return EligibilityResult(
            False, 0, item.funding_source_id, item.provisional, reasons, flags, item, picked
        )
    # the amount in force on the award date (the schedule may have changed since), then the rules
    assessment = assess_amount(
        enterprise=enterprise,
        item=item,
        tier=picked,
        award_date=award_date,
        exclude_id=exclude_application_id,
    )
    notes = list(assessment.notes)
    if item.valid_to is not None:
        notes.append(
            f"适用期限：获奖日期在 {cn_date(item.effective_from)} 至 {cn_date(item.valid_to)}（含）之间。"
        )
    flags += assessment.flags
    if assessment.refusal:
        return EligibilityResult(
            False,
            0,
            item.funding_source_id,
            item.provisional,
            [assessment.refusal],
            flags,
            item,
            picked,
            assessment.standard_yuan,
            notes,
        )
    return EligibilityResult(
        True,
        assessment.amount_yuan,
        item.funding_source_id,
        item.provisional,
        [],
        flags,
        item,
        picked,
        assessment.standard_yuan,
        notes,
    )


def _tier(item: RewardItem, code: str, reasons: list[str]) -> RewardTier | None:
    """The tier picked for a tiered line; a missing tier, or one of another line, is a reason."""
    tiers = list(item.tiers.order_by("order", "id"))
    if not tiers:
        if code:
            reasons.append(f"奖项“{item.name}”不分等级，请不要选择等级。")
        return None
    names = "、".join(t.name for t in tiers)
    if not code:
        reasons.append(f"奖项“{item.name}”按等级奖励，请选择等级（{names}）。")
        return None
    for t in tiers:
        if t.code == code:
            return t
    reasons.append(f"所选等级不属于奖项“{item.name}”，请在该奖项的等级中选择（{names}）。")
    return None
