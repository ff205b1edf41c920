"""Broken reward lines are refused by the loader with the exact message, and nothing is written."""

import pytest

from awards.models import RewardItem, RewardTier

from .packs import copy_pack, edit, line_of, row_counts
from .test_broken_packs import _refused

pytestmark = pytest.mark.django_db


def _index(pack, code):
    import yaml

    rows = yaml.safe_load((pack / "reward_items.yaml").read_text(encoding="utf-8"))["reward_items"]
    return [r["code"] for r in rows].index(code)


def test_a_tier_without_an_amount(tmp_path):
    pack = copy_pack(tmp_path)
    at = edit(
        pack,
        "reward_items.yaml",
        "    name: 鲁班奖（主创工程）\n    amount_yuan: 500000\n",
        "    name: 鲁班奖（主创工程）\n    tiers:\n      - code: gold\n        name: 金奖\n",
    )
    i = _index(pack, "luban_prize")
    before = row_counts()
    assert _refused(pack) == [
        f"reward_items.yaml 第{at + 2}行 reward_items[{i}].tiers[0].amount_yuan：等级缺少金额（amount_yuan）"
    ]
    assert row_counts() == before and not RewardTier.objects.exists()


def test_overlapping_validity_windows_of_one_award(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "reward_items.yaml", "    name: 詹天佑奖（主创工程）\n", "    name: 鲁班奖（主创工程）\n")
    row = line_of(pack, "reward_items.yaml", "  - code: zhan_tianyou_prize\n")
    i, j = _index(pack, "luban_prize"), _index(pack, "zhan_tianyou_prize")
    assert _refused(pack) == [
        f"reward_items.yaml 第{row}行 reward_items[{j}].effective_from："
        f"奖项“鲁班奖（主创工程）”的适用期限与 reward_items[{i}] 重叠（同一奖项各期限不得重叠）"
    ]
    assert RewardItem.objects.get(code="zhan_tianyou_prize").name == "詹天佑奖（主创工程）"


def test_a_family_with_two_nomination_rules_and_an_unknown_group(tmp_path):
    pack = copy_pack(tmp_path)
    rule = edit(
        pack,
        "reward_items.yaml",
        "    family: china_quality_award\n    is_nomination: true\n",
        "    family: china_quality_award\n    is_nomination: true\n    nomination_rule: topup\n    group: nowhere\n",
    )
    i = _index(pack, "china_quality_award_nomination")
    assert _refused(pack) == [
        f"reward_items.yaml 第{rule + 2}行 reward_items[{i}].nomination_rule："
        "同一奖项系列“china_quality_award”应采用同一提名奖规则：reward_items[0] 为“flag”，此处为“topup”",
        f"reward_items.yaml 第{rule + 3}行 reward_items[{i}].group：未知奖励分组“nowhere”（应为 reward_groups 中的 code）",
    ]
