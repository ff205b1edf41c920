"""The amount rules of a reward line, as data (issue 18): tiers, amounts by date, 提名奖后获正奖
(全额 or 补差, per family), 按最高标准奖励、不重复享受 within a group, and a yearly cap per
enterprise over a group.

What counts as "already rewarded" is an award of the same enterprise that passed 复核 or was paid
(legacy rewards included), at the amount paid, else the amount approved by the 批复, else the
amount assessed. Applications still under review do not count: they are assessed again, under a
lock on the enterprise, when an approver passes them (``application_second_review``).
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from core.dates import cn_date

from ..formatting import wan
from ..models import (
    Application,
    ApplicationStatus,
    Enterprise,
    NominationRule,
    RewardGroup,
    RewardItem,
    RewardTier,
)

# passed 复核 or paid: what the rules deduct from and add up against the cap
COUNTED_STATUSES = (
    ApplicationStatus.SECOND_PASSED,
    ApplicationStatus.PUBLICITY,
    ApplicationStatus.AWAITING_PAYMENT,
    ApplicationStatus.PAID,
)
UNDER_REVIEW = (ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED, ApplicationStatus.FIRST_PASSED)


@dataclass(frozen=True)
class Assessment:
    amount_yuan: int  # what this award pays (0 when ``refusal``)
    standard_yuan: int  # the line's (or tier's) amount in force on the award date
    notes: list[str] = field(default_factory=list)  # how the rules set the amount (Chinese)
    flags: list[str] = field(default_factory=list)  # for the reviewer (Chinese)
    refusal: str = ""  # why it pays nothing (Chinese)


def counted_amount(application: Application) -> int:
    if application.status == ApplicationStatus.PAID and application.paid_amount_yuan is not None:
        return application.paid_amount_yuan
    if application.approved_amount_yuan is not None:
        return application.approved_amount_yuan
    return application.amount_yuan


def _label(application: Application) -> str:
    return (
        f"“{application.reward_item.name}”（{application.code}，"
        f"{application.get_status_display()}，{counted_amount(application):,} 元）"
    )


def _related(enterprise: Enterprise, item: RewardItem, exclude_id: int | None) -> list[Application]:
    """The enterprise's other live awards that a rule of ``item`` looks at (one query)."""
    if enterprise.pk is None:
        return []
    near = Q(reward_item__family=item.family)
    if item.group_id:
        near |= Q(reward_item__group_id=item.group_id)
    qs = (
        Application.objects.filter(near, enterprise=enterprise, status__in=COUNTED_STATUSES + UNDER_REVIEW)
        .select_related("reward_item")
        .order_by("id")
    )
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    return list(qs)


def _tier_note(tier: RewardTier | None) -> str:
    return f"分等级奖励：按所选等级“{tier.name}”，标准金额 {wan(tier.amount_yuan)}。" if tier else ""


def _standard(item: RewardItem, tier: RewardTier | None, award_date: date) -> tuple[int, list[str]]:
    if tier is not None:
        return tier.amount_yuan, [_tier_note(tier)]
    # the amount in force on the award date (RewardItem.amount_on, with the entry for the note)
    entry = item.amounts.filter(valid_from__lte=award_date).order_by("-valid_from").first()
    if entry is None:
        return item.amount_yuan, []
    return entry.amount_yuan, [
        f"金额按获奖日期适用：获奖日期 {cn_date(award_date)} 适用自 {cn_date(entry.valid_from)} 起的"
        f"标准 {wan(entry.amount_yuan)}。"
    ]


def assess_amount(
    *,
    enterprise: Enterprise,
    item: RewardItem,
    tier: RewardTier | None,
    award_date: date,
    exclude_id: int | None = None,
    standard: int | None = None,
) -> Assessment:
    """The amount ``item`` (at ``tier``) pays this enterprise for an award obtained on ``award_date``.

    ``standard``: the standard amount assessed before (复核 assesses again from it, not from the
    schedule as it may stand by then)."""
    if standard is None:
        standard, notes = _standard(item, tier, award_date)
    else:
        notes = [n for n in [_tier_note(tier)] if n]
    flags: list[str] = []
    group = item.group
    if item.nomination_rule == NominationRule.FLAG and not (
        group and (group.highest_only or group.yearly_cap_yuan)
    ):
        return Assessment(standard, standard, notes)  # Jianli's lines: the fixed amount, nothing else
    others = _related(enterprise, item, exclude_id)
    counted = [a for a in others if a.status in COUNTED_STATUSES]
    pending = [a for a in others if a.status in UNDER_REVIEW]

    # what this award deducts: 补差 within the family and/or 按最高标准 within the group, each
    # earlier award deducted once even when both rules reach it
    deducted: dict[int, Application] = {}
    family = [a for a in counted if a.reward_item.family == item.family and a.reward_item_id != item.pk]
    if item.nomination_rule == NominationRule.TOPUP:
        if item.is_nomination:
            prizes = [a for a in family if not a.reward_item.is_nomination]
            if prizes:
                return Assessment(
                    0,
                    standard,
                    notes,
                    refusal=(
                        f"提名奖后获正奖补差：本企业已获同系列正奖{_label(prizes[0])}，"
                        f"提名奖“{item.name}”不再奖励。"
                    ),
                )
        else:
            for a in family:
                if a.reward_item.is_nomination:
                    deducted[a.pk] = a
    elif item.nomination_rule == NominationRule.FULL and not item.is_nomination:
        noms = [a for a in family if a.reward_item.is_nomination]
        if noms:
            notes.append(
                f"提名奖后获正奖全额奖励：本企业已获同系列提名奖{_label(noms[0])}，正奖按标准全额奖励，不扣减提名奖。"
            )
    if group and group.highest_only:
        for a in counted:
            if a.reward_item.group_id == group.pk:
                deducted[a.pk] = a
    amount = standard
    if deducted:
        before = sum(counted_amount(a) for a in deducted.values())
        rule = _deduction_rule(item, group, deducted)
        listed = "、".join(_label(a) for a in deducted.values())
        if before >= standard:
            return Assessment(
                0,
                standard,
                notes,
                refusal=(
                    f"{rule}：本企业已获{listed}，合计 {before:,} 元，不低于本项标准 {standard:,} 元，本项不再奖励。"
                ),
            )
        amount = standard - before
        notes.append(
            f"{rule}：本企业已获{listed}，合计 {before:,} 元；本项标准 {standard:,} 元，补差 {amount:,} 元。"
        )

    if group and group.yearly_cap_yuan:
        cap = group.yearly_cap_yuan
        year = award_date.year
        used = sum(
            counted_amount(a)
            for a in counted
            if a.reward_item.group_id == group.pk and a.award_date and a.award_date.year == year
        )
        remaining = cap - used
        head = f"每家企业每年奖励上限（{group.name}，按获奖日期 {year} 年）{cap:,} 元：已奖励 {used:,} 元"
        if remaining <= 0:
            return Assessment(0, standard, notes, refusal=f"{head}，上限已用完，本项不再奖励。")
        if amount > remaining:
            notes.append(
                f"{head}，剩余 {remaining:,} 元；本项应奖 {amount:,} 元超出上限，核定 {remaining:,} 元。"
            )
            amount = remaining
        else:
            notes.append(f"{head}，本项 {amount:,} 元后合计 {used + amount:,} 元，未超出上限。")
    if pending:
        flags.append(
            "本企业同组（同系列）另有尚未复核的申报："
            + "、".join(f"“{a.reward_item.name}”（{a.code}）" for a in pending)
            + "。复核通过时将按最高标准、补差和年度上限重新核定金额。"
        )
    return Assessment(amount, standard, notes, flags)


def _deduction_rule(item: RewardItem, group: RewardGroup | None, deducted: dict[int, Application]) -> str:
    names = []
    if group and group.highest_only and any(a.reward_item.group_id == group.pk for a in deducted.values()):
        names.append(f"按最高标准奖励、不重复享受（{group.name}）")
    if any(
        a.reward_item.family == item.family and a.reward_item.is_nomination for a in deducted.values()
    ) and (item.nomination_rule == NominationRule.TOPUP):
        names.append("提名奖后获正奖补差")
    return "；".join(names)
