"""The rules of 三(二), checked by the system before anything is stored.

``check_eligibility`` is the one interface other parts of the product rely on (issue 4, point 3).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from ..models import CLOSED_STATUSES, Application, Enterprise, FundingSource, RewardItem
from ..validators import normalize_reference
from ._workflow import cn_date


@dataclass(frozen=True)
class EligibilityResult:
    eligible: bool
    amount_yuan: int
    funding_source: str  # "jingzhou" | "province" | "city" ("" when the item is unknown)
    provisional: bool
    reasons: list[str] = field(default_factory=list)  # why not eligible (Chinese); empty when eligible
    flags: list[str] = field(default_factory=list)  # allowed, but a reviewer must decide (Chinese)
    reward_item: RewardItem | None = None

    @property
    def funding_source_label(self) -> str:
        return FundingSource(self.funding_source).label if self.funding_source else ""


def _live_applications(enterprise: Enterprise, exclude_id: int | None):
    if enterprise.pk is None:  # an enterprise not registered yet (legacy entry) has no applications
        return Application.objects.none()
    qs = Application.objects.filter(enterprise=enterprise).exclude(status__in=CLOSED_STATUSES)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    return qs


def duplicate_message(existing: Application | None = None) -> str:
    text = "同一奖项不得重复奖励：本企业已有该奖项、同一证书（标准、商标）编号的申报或奖励记录"
    if existing is None:
        return text + "，不能重复申报。"
    if existing.status == Application.Status.DRAFT:
        return text + f"（草稿 {existing.code}），请在“我的申报”中继续编辑该草稿。"
    return text + f"（申报编号 {existing.code}，状态：{existing.get_status_display()}），不能重复申报。"


def check_eligibility(
    *,
    enterprise: Enterprise,
    reward_code: str,
    award_date: dt.date | None,
    reference: str,
    today: dt.date | None = None,
    exclude_application_id: int | None = None,
) -> EligibilityResult:
    """What the system concludes for one award: eligible or not, why, the amount and who pays it.

    Rules of 三(二): awards obtained on or after the item's effective date (2022-01-01, inclusive),
    an active item, and 同一奖项不得重复奖励 (one live application per enterprise, item and
    normalised reference). A nomination followed by the full prize of the same family is allowed
    but flagged: the policy is silent, so a reviewer decides.
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
    elif award_date > today:
        reasons.append(f"获奖日期 {cn_date(award_date)} 晚于今天，请填写证书上的实际日期。")
    normalized = normalize_reference(reference)
    flags: list[str] = []
    if not normalized:
        reasons.append("请填写证书、标准或商标编号。")
    else:
        existing = (
            _live_applications(enterprise, exclude_application_id)
            .filter(reward_item=item, reference_normalized=normalized)
            .first()
        )
        if existing is not None:
            reasons.append(duplicate_message(existing))
        flags = _family_flags(enterprise, item, exclude_application_id)
    if reasons:
        return EligibilityResult(False, 0, item.funding_source, item.provisional, reasons, flags, item)
    return EligibilityResult(True, item.amount_yuan, item.funding_source, item.provisional, [], flags, item)


def _family_flags(enterprise: Enterprise, item: RewardItem, exclude_id: int | None) -> list[str]:
    """提名奖 then 正奖 of the same prize (or the reverse): the policy does not say; flag it."""
    related = (
        _live_applications(enterprise, exclude_id)
        .filter(reward_item__family=item.family, reward_item__is_nomination=not item.is_nomination)
        .select_related("reward_item")
        .order_by("id")
    )
    flags = []
    for other in related[:5]:
        if item.is_nomination:
            what = f"本企业已有同一奖项的正奖“{other.reward_item.name}”"
        else:
            what = f"本企业已有同一奖项的提名奖“{other.reward_item.name}”"
        flags.append(
            f"{what}的申报或奖励记录（{other.code}，编号 {other.reference}，{other.get_status_display()}）。"
            "政策未规定获提名奖后又获正奖时应全额奖励还是补足差额，请复核人研判并在意见中写明。"
        )
    return flags
