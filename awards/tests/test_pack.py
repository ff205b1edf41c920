"""awards.pack: the reward and funding parts of a policy pack, checked with exact messages and written."""

import datetime as dt

import pytest

from awards.models import FundingSource, NominationRule, RewardAmount, RewardGroup, RewardItem, RewardTier
from awards.pack import (
    apply_funding_sources,
    apply_reward_lines,
    validate_funding_sources,
    validate_reward_groups,
    validate_reward_lines,
)
from policypack.upsert import LoadReport, upsert

CODES = {"county", "city"}


def line(**kw):
    row = {"code": "brand", "name": "品牌奖", "amount_yuan": 100_000, "funding_source": "county"}
    row.update(kw)
    return row


def check(*items, groups=frozenset(), codes=CODES):
    return validate_reward_lines(
        list(items), funding_codes=codes, group_codes=set(groups), default_from=dt.date(2024, 1, 1)
    )


def test_a_valid_line_with_every_rule_has_no_error():
    tiers = [{"code": "gold", "name": "金奖", "amount_yuan": 300_000}]
    assert (
        check(
            line(tiers=tiers, group="g", nomination_rule="topup", valid_to=dt.date(2026, 12, 31)),
            groups={"g"},
        )
        == []
    )


def test_a_tier_without_an_amount():
    tiers = [{"code": "gold", "name": "金奖", "amount_yuan": 300_000}, {"code": "silver", "name": "银奖"}]
    assert check(line(code="a"), line(code="b", name="等级奖", tiers=tiers)) == [
        ("reward_items[1].tiers[1].amount_yuan", "等级缺少金额（amount_yuan）")
    ]


def test_tier_problems_each_with_its_field():
    tiers = [
        {"code": "gold", "name": "金奖", "amount_yuan": 0},
        {"code": "gold", "name": "", "amount_yuan": 100_000_001},
    ]
    assert check(line(tiers=tiers)) == [
        ("reward_items[0].tiers[1].code", "等级代码“gold”重复（reward_items[0].tiers[0] 已有）"),
        ("reward_items[0].tiers[0].amount_yuan", "金额应为 1 至 100,000,000 元之间的整数（元），实为“0”"),
        (
            "reward_items[0].tiers[1].amount_yuan",
            "金额应为 1 至 100,000,000 元之间的整数（元），实为“100000001”",
        ),
        ("reward_items[0].tiers[1].name", "等级缺少名称（name）"),
    ]
    assert check(line(tiers=[])) == [("reward_items[0].tiers", "分等级奖励至少应有一个等级")]


def test_an_unknown_funding_source_and_an_unknown_group():
    assert check(line(funding_source="town", group="nope")) == [
        ("reward_items[0].funding_source", "未知资金来源“town”（应为 funding_sources.yaml 中的 source）"),
        ("reward_items[0].group", "未知奖励分组“nope”（应为 reward_groups 中的 code）"),
    ]
    # the sources could not be read: references are not checked (the unreadable file is reported)
    assert check(line(funding_source="town"), codes=None) == []


def test_a_line_needs_an_amount_or_tiers():
    row = line()
    del row["amount_yuan"]
    assert check(row) == [("reward_items[0].amount_yuan", "缺少奖励金额（分等级奖励的奖项改为填写 tiers）")]
    assert check(line(amount_yuan=True)) == [
        ("reward_items[0].amount_yuan", "金额应为 1 至 100,000,000 元之间的整数（元），实为“True”")
    ]


def test_validity_windows():
    assert check(line(effective_from=dt.date(2025, 1, 1), valid_to=dt.date(2024, 12, 31))) == [
        ("reward_items[0].valid_to", "适用截止日 2024-12-31 早于适用起始日 2025-01-01")
    ]
    first = line(code="a", valid_to=dt.date(2024, 12, 31))
    touching = line(code="b", effective_from=dt.date(2024, 12, 31))
    assert check(first, touching) == [
        (
            "reward_items[1].effective_from",
            "奖项“品牌奖”的适用期限与 reward_items[0] 重叠（同一奖项各期限不得重叠）",
        )
    ]
    assert check(first, line(code="b", effective_from=dt.date(2025, 1, 1))) == []
    assert check(line(code="a"), line(code="b", effective_from=dt.date(2030, 1, 1)))[0][0] == (
        "reward_items[1].effective_from"
    )


def test_amount_changes_inside_the_window_once_per_date():
    amounts = [
        {"valid_from": dt.date(2025, 1, 1), "amount_yuan": 120_000},
        {"valid_from": dt.date(2025, 1, 1), "amount_yuan": 130_000},
        {"valid_from": dt.date(2023, 1, 1), "amount_yuan": 90_000},
    ]
    assert check(line(amounts=amounts)) == [
        ("reward_items[0].amounts[1].valid_from", "金额调整日期 2025-01-01 重复"),
        ("reward_items[0].amounts[2].valid_from", "金额调整日期 2023-01-01 不在该奖项的适用期限内"),
    ]


def test_one_nomination_rule_per_family_and_unique_codes():
    nom = line(code="cup_nom", family="cup", is_nomination=True, nomination_rule="topup", name="杯提名奖")
    prize = line(code="cup", family="cup", nomination_rule="full", name="杯")
    again = line(code="cup", name="杯2", family="other")
    assert check(nom, prize, again) == [
        ("reward_items[2].code", "奖项代码“cup”重复（reward_items[1] 已有）"),
        (
            "reward_items[1].nomination_rule",
            "同一奖项系列“cup”应采用同一提名奖规则：reward_items[0] 为“topup”，此处为“full”",
        ),
    ]


def test_groups_need_a_rule_and_a_bounded_cap():
    assert validate_reward_groups(
        [
            {"code": "g", "name": "组", "highest_only": True},
            {"code": "g", "name": "组2", "yearly_cap_yuan": 0},
            {"code": "h", "name": "空组"},
        ]
    ) == [
        ("reward_groups[1].code", "奖励分组代码“g”重复（reward_groups[0] 已有）"),
        ("reward_groups[1].yearly_cap_yuan", "年度上限应为 1 至 100,000,000 元之间的整数（元），实为“0”"),
        ("reward_groups[2]", "奖励分组应至少规定一项规则（highest_only 或 yearly_cap_yuan）"),
    ]


def test_funding_sources_unique_named_with_steps():
    assert validate_funding_sources(
        [
            {
                "source": "county",
                "name": "县专项资金",
                "payer": "县政府",
                "steps": [{"name": "a", "actor": "b"}],
            },
            {"source": "county", "payer": "", "steps": []},
        ]
    ) == [
        ("funding_sources[1].source", "资金来源代码“county”重复（funding_sources[0] 已有）"),
        ("funding_sources[1].name", "资金来源缺少名称（name 或 payer）"),
        ("funding_sources[1].steps", "审批路径至少应有一个步骤"),
    ]


@pytest.mark.django_db
def test_apply_writes_sources_groups_lines_tiers_and_amounts_idempotently():
    sources = [
        {
            "source": "county",
            "name": "青石县质量品牌专项资金",
            "payer": "青石县人民政府",
            "steps": [{"name": "报请县政府", "actor": "县质量强县办公室"}],
        }
    ]
    data = {
        "effective_from": dt.date(2024, 1, 1),
        "reward_groups": [
            {"code": "brands", "name": "品牌", "highest_only": True, "yearly_cap_yuan": 500_000}
        ],
        "reward_items": [
            line(
                amount_yuan=None,
                tiers=[
                    {"code": "national", "name": "国家级", "amount_yuan": 300_000},
                    {"code": "provincial", "name": "省级", "amount_yuan": 100_000},
                ],
                group="brands",
                valid_to=dt.date(2026, 12, 31),
            ),
            line(
                code="std", name="标准", amounts=[{"valid_from": dt.date(2025, 1, 1), "amount_yuan": 150_000}]
            ),
        ],
    }
    report = LoadReport()
    by_code = apply_funding_sources(sources, upsert=upsert, report=report)
    apply_reward_lines(data, upsert=upsert, report=report, sources=by_code)
    assert FundingSource.objects.get(code="county").name == "青石县质量品牌专项资金"
    brand = RewardItem.objects.get(code="brand")
    assert (brand.amount_yuan, brand.group.code, brand.valid_to, brand.funding_source_id) == (
        300_000,
        "brands",
        dt.date(2026, 12, 31),
        "county",
    )
    assert list(brand.tiers.values_list("code", "amount_yuan")) == [
        ("national", 300_000),
        ("provincial", 100_000),
    ]
    assert RewardGroup.objects.get(code="brands").yearly_cap_yuan == 500_000
    assert RewardItem.objects.get(code="std").amount_on(dt.date(2025, 3, 1)) == 150_000
    counts = (RewardItem.objects.count(), RewardTier.objects.count(), RewardAmount.objects.count())
    again = LoadReport()
    apply_funding_sources(sources, upsert=upsert, report=again)
    apply_reward_lines(data, upsert=upsert, report=again, sources=by_code)
    assert again.changed == 0
    assert (RewardItem.objects.count(), RewardTier.objects.count(), RewardAmount.objects.count()) == counts


def test_a_tiered_line_takes_no_amount_changes_by_date():
    tiers = [{"code": "gold", "name": "金奖", "amount_yuan": 300_000}]
    amounts = [{"valid_from": dt.date(2025, 1, 1), "amount_yuan": 120_000}]
    assert check(line(tiers=tiers, amounts=amounts)) == [
        ("reward_items[0].amounts", "分等级奖励的奖项不能再按日期调整金额（amounts），请调整各等级金额")
    ]


def test_the_schemas_nomination_rules_are_the_models_choices():
    from policypack.schema import load_schema

    items = load_schema("reward_items.json")["properties"]["reward_items"]["items"]["properties"]
    assert items["nomination_rule"]["enum"] == [c for c, _ in NominationRule.choices]
