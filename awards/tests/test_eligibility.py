"""The rules of 三(二) as ``check_eligibility`` states them (issue 4, point 3)."""

import datetime as dt

import pytest

from awards.models import Application, RewardItem
from awards.services import check_eligibility
from awards.tests.factories import ApplicationFactory
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 30)


def check(ent, code="china_quality_award", award_date=dt.date(2023, 11, 5), reference="CQA-2023-01", **kw):
    return check_eligibility(
        enterprise=ent, reward_code=code, award_date=award_date, reference=reference, today=TODAY, **kw
    )


@pytest.fixture
def ent(policy):
    return EnterpriseFactory(verified=True)


def test_china_quality_award_is_two_million_from_jingzhou(ent):
    result = check(ent)
    assert result.eligible is True
    assert result.amount_yuan == 2_000_000
    assert result.funding_source == "jingzhou"
    assert result.provisional is False
    assert result.reasons == []


@pytest.mark.parametrize(
    "code,amount,source,provisional",
    [
        ("china_time_honored_brand", 500_000, "province", True),
        ("hubei_time_honored_brand", 300_000, "province", True),
        ("provincial_local_standard", 20_000, "city", False),
        ("well_known_trademark", 500_000, "city", False),
    ],
)
def test_amount_funding_source_and_provisional_flag_come_from_the_schedule(
    ent, code, amount, source, provisional
):
    result = check(ent, code=code)
    assert (result.eligible, result.amount_yuan, result.funding_source, result.provisional) == (
        True,
        amount,
        source,
        provisional,
    )


def test_award_on_the_effective_date_counts(ent):
    assert check(ent, award_date=dt.date(2022, 1, 1)).eligible


def test_award_before_2022_is_not_eligible_and_says_why(ent):
    result = check(ent, award_date=dt.date(2021, 12, 31))
    assert result.eligible is False
    assert result.amount_yuan == 0
    assert any("2022年1月1日" in r for r in result.reasons)


def test_award_in_the_future_is_not_eligible(ent):
    result = check(ent, award_date=TODAY + dt.timedelta(days=1))
    assert not result.eligible
    assert any("晚于今天" in r for r in result.reasons)


def test_unknown_reward_item_is_not_eligible(ent):
    result = check(ent, code="nobel_prize")
    assert not result.eligible
    assert result.amount_yuan == 0
    assert result.reasons and "奖励项目" in result.reasons[0]


def test_inactive_reward_item_is_not_eligible(ent):
    RewardItem.objects.filter(code="scenic_3a").update(active=False)
    result = check(ent, code="scenic_3a")
    assert not result.eligible
    assert any("停用" in r for r in result.reasons)


def test_missing_date_and_reference_are_reasons(ent):
    result = check(ent, award_date=None, reference="  ")
    assert not result.eligible
    assert len(result.reasons) == 2


@pytest.mark.parametrize("typed", ["cqa-2023-01", " CQA - 2023 - 01 ", "ＣＱＡ－２０２３－０１"])
def test_same_award_twice_is_refused_whatever_the_case_spaces_or_width(ent, typed):
    ApplicationFactory(
        enterprise=ent,
        reward_item=RewardItem.objects.get(code="china_quality_award"),
        reference="CQA-2023-01",
        reference_canonical="cqa-2023-01",
    )
    result = check(ent, reference=typed)
    assert not result.eligible
    assert any("同一奖项不得重复奖励" in r for r in result.reasons)


@pytest.mark.parametrize("status", [Application.Status.REJECTED, Application.Status.WITHDRAWN])
def test_rejected_or_withdrawn_application_does_not_block_a_new_one(ent, status):
    ApplicationFactory(
        enterprise=ent,
        reward_item=RewardItem.objects.get(code="china_quality_award"),
        reference="CQA-2023-01",
        reference_canonical="cqa-2023-01",
        status=status,
    )
    assert check(ent).eligible


def test_another_enterprise_with_the_same_reference_is_allowed_but_flagged(ent):
    other = EnterpriseFactory()
    earlier = ApplicationFactory(
        enterprise=other,
        reward_item=RewardItem.objects.get(code="china_quality_award"),
        reference="CQA-2023-01",
        reference_canonical="cqa-2023-01",
    )
    result = check(ent)
    assert result.eligible
    assert len(result.flags) == 1 and "其他企业" in result.flags[0] and earlier.code in result.flags[0]
    assert other.name not in result.flags[0]  # another enterprise is never named to an applicant


def test_application_being_edited_is_not_its_own_duplicate(ent):
    mine = ApplicationFactory(
        enterprise=ent,
        reward_item=RewardItem.objects.get(code="china_quality_award"),
        reference="CQA-2023-01",
        reference_canonical="cqa-2023-01",
    )
    assert check(ent, exclude_application_id=mine.pk).eligible


def test_full_prize_after_nomination_is_allowed_but_flagged_for_the_reviewer(ent):
    ApplicationFactory(
        enterprise=ent,
        reward_item=RewardItem.objects.get(code="china_quality_award_nomination"),
        reference="CQA-N-2022",
        reference_canonical="cqa-n-2022",
        paid=True,
    )
    result = check(ent)
    assert result.eligible
    assert result.amount_yuan == 2_000_000
    assert len(result.flags) == 1
    assert "提名奖" in result.flags[0] and "研判" in result.flags[0]


def test_unrelated_prize_is_not_flagged(ent):
    ApplicationFactory(enterprise=ent, reward_item=RewardItem.objects.get(code="national_standard"))
    assert check(ent).flags == []
