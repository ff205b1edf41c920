"""Reward rules as data (issue 18): tiers, a validity window, 补差 / 全额 after a nomination,
按最高标准奖励 within a group and a yearly cap, at their boundaries; and at 复核 again."""

import datetime as dt
import itertools

import pytest

from awards import services
from awards.models import (
    Application,
    ApplicationEvent,
    NominationRule,
    RewardGroup,
    RewardItem,
    RewardTier,
)
from awards.services import check_eligibility
from awards.tests.factories import ApplicationFactory, pdf
from core.errors import ServiceError

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 5, 1)
_refs = itertools.count(1)


def line(code, amount, *, group=None, family=None, nomination=False, rule=NominationRule.FLAG, **kw):
    return RewardItem.objects.create(
        code=code,
        name=kw.pop("name", code),
        amount_yuan=amount,
        funding_source_id="city",
        family=family or code,
        is_nomination=nomination,
        nomination_rule=rule,
        group=group,
        effective_from=kw.pop("effective_from", dt.date(2024, 1, 1)),
        **kw,
    )


def award(enterprise, item, amount=None, *, status="paid", award_date=DAY):
    """An earlier award of the enterprise in a given state (paid by default)."""
    traits = {status: True} if status in ("paid", "second_passed", "first_passed") else {}
    return ApplicationFactory(
        enterprise=enterprise,
        reward_item=item,
        amount_yuan=item.amount_yuan if amount is None else amount,
        award_date=award_date,
        **traits,
    )


def check(enterprise, code, *, award_date=DAY, tier="", today=dt.date(2026, 1, 1)):
    return check_eligibility(
        enterprise=enterprise,
        reward_code=code,
        award_date=award_date,
        reference=f"REF-{next(_refs)}",
        today=today,
        tier=tier,
    )


@pytest.fixture
def ent(users):
    return users["enterprise_a"].enterprise


def test_jianli_lines_carry_no_rule_and_keep_their_fixed_amount(policy, ent):
    assert not RewardItem.objects.exclude(nomination_rule=NominationRule.FLAG).exists()
    assert not RewardItem.objects.filter(group__isnull=False).exists()
    assert not RewardItem.objects.filter(valid_to__isnull=False).exists()
    assert not RewardTier.objects.exists()
    result = check(ent, "china_quality_award")
    assert (result.eligible, result.amount_yuan, result.funding_source, result.notes) == (
        True,
        2_000_000,
        "jingzhou",
        [],
    )


# --- validity window -------------------------------------------------------------------------


def test_validity_window_includes_both_edges_and_refuses_the_day_after(policy, ent):
    line("window", 50_000, effective_from=dt.date(2024, 1, 1), valid_to=dt.date(2024, 12, 31), name="限期奖")
    assert check(ent, "window", award_date=dt.date(2024, 1, 1)).eligible
    last = check(ent, "window", award_date=dt.date(2024, 12, 31))
    assert last.eligible and last.amount_yuan == 50_000
    assert "适用期限：获奖日期在 2024年1月1日 至 2024年12月31日（含）之间。" in last.notes
    after = check(ent, "window", award_date=dt.date(2025, 1, 1))
    assert not after.eligible and after.amount_yuan == 0
    assert after.reasons == [
        "获奖日期 2025年1月1日 晚于奖项“限期奖”的适用截止日 2024年12月31日："
        "该奖项只适用于 2024年1月1日 至 2024年12月31日（含）获得的奖项。"
    ]
    assert not check(ent, "window", award_date=dt.date(2023, 12, 31)).eligible


# --- tiers -----------------------------------------------------------------------------------


@pytest.fixture
def tiered(policy):
    item = line("brand", 1, name="品牌示范企业")
    RewardTier.objects.create(reward_item=item, code="national", name="国家级", amount_yuan=300_000, order=1)
    RewardTier.objects.create(reward_item=item, code="provincial", name="省级", amount_yuan=100_000, order=2)
    other = line("other_tiered", 1, name="其他分级奖")
    RewardTier.objects.create(reward_item=other, code="gold", name="金奖", amount_yuan=80_000)
    return item


def test_the_amount_follows_the_tier_picked(tiered, ent):
    result = check(ent, "brand", tier="provincial")
    assert (result.eligible, result.amount_yuan, result.tier.code) == (True, 100_000, "provincial")
    assert result.notes == ["分等级奖励：按所选等级“省级”，标准金额 10 万元。"]
    assert check(ent, "brand", tier="national").amount_yuan == 300_000


def test_a_tiered_line_without_a_tier_is_refused(tiered, ent):
    result = check(ent, "brand")
    assert not result.eligible and result.amount_yuan == 0
    assert result.reasons == ["奖项“品牌示范企业”按等级奖励，请选择等级（国家级、省级）。"]


def test_the_tier_of_another_line_is_refused(tiered, ent):
    result = check(ent, "brand", tier="gold")
    assert result.reasons == ["所选等级不属于奖项“品牌示范企业”，请在该奖项的等级中选择（国家级、省级）。"]


def test_a_tier_on_a_line_without_tiers_is_refused(policy, ent):
    result = check(ent, "national_standard", award_date=dt.date(2023, 5, 1), tier="gold")
    assert result.reasons == ["奖项“主导制修订国家标准”不分等级，请不要选择等级。"]


def test_a_refused_tier_stores_nothing(tiered, users):
    user = users["enterprise_a"]
    user.enterprise.verified_at = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    user.enterprise.save()
    with pytest.raises(ServiceError) as exc:
        services.application_submit(
            enterprise=user.enterprise,
            reward_code="brand",
            award_date=DAY,
            reference="SF-2025-1",
            by=user,
            issuing_body="省市场监管局",
            attachments=[pdf()],
            tier="gold",
        )
    assert exc.value.code == "not_eligible"
    assert "所选等级不属于奖项" in exc.value.messages[0]
    assert not Application.objects.filter(enterprise=user.enterprise).exists()


# --- yearly cap ------------------------------------------------------------------------------


@pytest.fixture
def capped(policy):
    group = RewardGroup.objects.create(code="capped", name="标准化奖励", yearly_cap_yuan=500_000)
    item = line("std_a", 200_000, group=group)
    line("std_b", 300_000, group=group)
    big = line("std_c", 1, group=group)
    RewardTier.objects.create(reward_item=big, code="plus1", name="20 万零 1 元", amount_yuan=200_001)
    return item


def test_the_cap_exactly_reached_pays_in_full(capped, ent):
    award(ent, RewardItem.objects.get(code="std_b"))
    result = check(ent, "std_a")
    assert (result.eligible, result.amount_yuan) == (True, 200_000)
    assert result.notes == [
        "每家企业每年奖励上限（标准化奖励，按获奖日期 2025 年）500,000 元：已奖励 300,000 元，"
        "本项 200,000 元后合计 500,000 元，未超出上限。"
    ]


def test_the_cap_exceeded_by_one_yuan_pays_what_remains(capped, ent):
    award(ent, RewardItem.objects.get(code="std_b"))
    result = check(ent, "std_c", tier="plus1")
    assert (result.eligible, result.amount_yuan, result.standard_amount_yuan) == (True, 200_000, 200_001)
    assert result.notes[-1] == (
        "每家企业每年奖励上限（标准化奖励，按获奖日期 2025 年）500,000 元：已奖励 300,000 元，"
        "剩余 200,000 元；本项应奖 200,001 元超出上限，核定 200,000 元。"
    )


def test_a_used_up_cap_pays_nothing_and_says_why(capped, ent):
    b = RewardItem.objects.get(code="std_b")
    award(ent, b)
    award(ent, capped)
    result = check(ent, "std_a")
    assert not result.eligible and result.amount_yuan == 0
    assert result.reasons == [
        "每家企业每年奖励上限（标准化奖励，按获奖日期 2025 年）500,000 元：已奖励 500,000 元，上限已用完，本项不再奖励。"
    ]


def test_the_cap_counts_the_award_year_only_and_approved_or_paid_awards_only(capped, ent, users):
    b = RewardItem.objects.get(code="std_b")
    award(ent, b, award_date=dt.date(2024, 6, 1))  # another year
    award(ent, b, status="first_passed")  # under review: not counted yet, flagged
    award(ent, capped, status="withdrawn")  # closed
    other = users["enterprise_b"].enterprise
    award(other, b)  # another enterprise
    result = check(ent, "std_a")
    assert (result.eligible, result.amount_yuan) == (True, 200_000)
    assert any("尚未复核的申报" in flag for flag in result.flags)


# --- highest only within a group -------------------------------------------------------------


@pytest.fixture
def highest(policy):
    group = RewardGroup.objects.create(code="scenic", name="旅游景区", highest_only=True)
    line("scenic_low", 200_000, group=group, name="3A景区")
    line("scenic_high", 500_000, group=group, name="4A景区")
    return group


def test_lower_then_higher_pays_the_difference(highest, ent):
    low = award(ent, RewardItem.objects.get(code="scenic_low"))
    result = check(ent, "scenic_high")
    assert (result.eligible, result.amount_yuan, result.standard_amount_yuan) == (True, 300_000, 500_000)
    assert result.notes == [
        f"按最高标准奖励、不重复享受（旅游景区）：本企业已获“3A景区”（{low.code}，已拨付，200,000 元），"
        "合计 200,000 元；本项标准 500,000 元，补差 300,000 元。"
    ]


def test_higher_then_lower_pays_nothing_and_says_why(highest, ent):
    high = award(ent, RewardItem.objects.get(code="scenic_high"), status="second_passed")
    result = check(ent, "scenic_low")
    assert not result.eligible and result.amount_yuan == 0
    assert result.reasons == [
        f"按最高标准奖励、不重复享受（旅游景区）：本企业已获“4A景区”（{high.code}，复核通过，500,000 元），"
        "合计 500,000 元，不低于本项标准 200,000 元，本项不再奖励。"
    ]


def test_an_equal_award_in_the_group_pays_nothing(highest, ent):
    award(ent, RewardItem.objects.get(code="scenic_low"))
    assert not check(ent, "scenic_low").eligible


# --- nomination then prize: 补差 or 全额, per family ------------------------------------------


def _family(rule):
    line("cup_nom", 300_000, family="cup", nomination=True, rule=rule, name="杯提名奖")
    return line("cup", 500_000, family="cup", rule=rule, name="杯")


def test_topup_family_pays_the_prize_minus_the_nomination(policy, ent):
    _family(NominationRule.TOPUP)
    nom = award(ent, RewardItem.objects.get(code="cup_nom"))
    result = check(ent, "cup")
    assert (result.eligible, result.amount_yuan) == (True, 200_000)
    assert result.notes == [
        f"提名奖后获正奖补差：本企业已获“杯提名奖”（{nom.code}，已拨付，300,000 元），"
        "合计 300,000 元；本项标准 500,000 元，补差 200,000 元。"
    ]


def test_topup_deducts_the_amount_actually_paid(policy, ent):
    _family(NominationRule.TOPUP)
    nom = award(ent, RewardItem.objects.get(code="cup_nom"))
    Application.objects.filter(pk=nom.pk).update(paid_amount_yuan=250_000)
    assert check(ent, "cup").amount_yuan == 250_000


def test_full_family_pays_the_prize_in_full_and_says_so(policy, ent):
    _family(NominationRule.FULL)
    nom = award(ent, RewardItem.objects.get(code="cup_nom"))
    result = check(ent, "cup")
    assert (result.eligible, result.amount_yuan) == (True, 500_000)
    assert result.notes == [
        f"提名奖后获正奖全额奖励：本企业已获同系列提名奖“杯提名奖”（{nom.code}，已拨付，300,000 元），"
        "正奖按标准全额奖励，不扣减提名奖。"
    ]


def test_topup_family_nomination_after_the_prize_pays_nothing(policy, ent):
    prize = _family(NominationRule.TOPUP)
    paid = award(ent, prize)
    result = check(ent, "cup_nom")
    assert result.reasons == [
        f"提名奖后获正奖补差：本企业已获同系列正奖“杯”（{paid.code}，已拨付，500,000 元），提名奖“杯提名奖”不再奖励。"
    ]


def test_topup_and_highest_only_deduct_an_earlier_award_once(policy, ent):
    group = RewardGroup.objects.create(code="cups", name="杯赛", highest_only=True)
    _family(NominationRule.TOPUP)
    RewardItem.objects.filter(family="cup").update(group=group)
    award(ent, RewardItem.objects.get(code="cup_nom"))
    assert check(ent, "cup").amount_yuan == 200_000


# --- 复核 assesses again -----------------------------------------------------------------------


@pytest.fixture
def verified(users):
    user = users["enterprise_a"]
    user.enterprise.verified_at = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    user.enterprise.save()
    return user


def _first_passed(user, code, users, *, reference):
    application = services.application_submit(
        enterprise=user.enterprise,
        reward_code=code,
        award_date=DAY,
        reference=reference,
        by=user,
        issuing_body="省文化和旅游厅",
        attachments=[pdf()],
    )
    return services.application_first_review(application=application, by=users["office"], decision="pass")


def test_second_review_pays_the_difference_to_a_lower_award_approved_meanwhile(highest, verified, users):
    low = _first_passed(verified, "scenic_low", users, reference="JQ-3A-1")
    high = _first_passed(verified, "scenic_high", users, reference="JQ-4A-1")
    assert high.amount_yuan == 500_000  # nothing approved yet at submission
    services.application_second_review(application=low, by=users["approver"], decision="pass")
    services.application_second_review(application=high, by=users["approver"], decision="pass")
    high.refresh_from_db()
    assert (high.status, high.amount_yuan, high.standard_amount_yuan) == ("second_passed", 300_000, 500_000)
    assert high.amount_notes[0] == "复核时重新核定金额：500,000 元 → 300,000 元。"
    event = high.events.get(action=ApplicationEvent.Action.SECOND_PASS)
    assert "复核时重新核定金额：500,000 元 → 300,000 元。" in event.comment


def test_second_review_of_a_lower_award_after_a_higher_one_is_refused_and_changes_nothing(
    highest, verified, users
):
    low = _first_passed(verified, "scenic_low", users, reference="JQ-3A-1")
    high = _first_passed(verified, "scenic_high", users, reference="JQ-4A-1")
    services.application_second_review(application=high, by=users["approver"], decision="pass")
    with pytest.raises(ServiceError) as exc:
        services.application_second_review(application=low, by=users["approver"], decision="pass")
    assert exc.value.code == "pays_nothing"
    assert exc.value.messages[0].startswith("复核时重新核定金额：按最高标准奖励、不重复享受（旅游景区）")
    assert exc.value.messages[0].endswith("请选择“不予通过”并写明理由。")
    low.refresh_from_db()
    assert (low.status, low.amount_yuan, low.second_reviewed_by) == ("first_passed", 200_000, None)
    assert not low.events.filter(action=ApplicationEvent.Action.SECOND_PASS).exists()


def test_second_review_keeps_the_standard_assessed_at_submission(highest, verified, users):
    high = _first_passed(verified, "scenic_high", users, reference="JQ-4A-1")
    RewardItem.objects.filter(code="scenic_high").update(amount_yuan=600_000)  # schedule corrected later
    services.application_second_review(application=high, by=users["approver"], decision="pass")
    high.refresh_from_db()
    assert high.amount_yuan == 500_000
