"""A broken pack is refused whole: every error with its file, line and field, and nothing written."""

import pytest
from django.core.management import CommandError, call_command

from awards.models import RewardItem
from policypack.files import PackInvalid
from policypack.loader import load_pack, validate_pack

from .packs import copy_pack, edit, line_of, row_counts

pytestmark = pytest.mark.django_db


def _refused(pack) -> list[str]:
    before = row_counts()
    values = list(RewardItem.objects.order_by("pk").values())
    with pytest.raises(PackInvalid) as caught:
        load_pack(pack)
    assert row_counts() == before
    assert list(RewardItem.objects.order_by("pk").values()) == values
    return [str(e) for e in caught.value.errors]


def test_the_jianli_pack_is_valid():
    assert validate_pack() == []


def test_a_missing_field(tmp_path):
    pack = copy_pack(tmp_path)
    row = line_of(pack, "reward_items.yaml", "  - code: luban_prize\n")
    edit(pack, "reward_items.yaml", "    name: 鲁班奖（主创工程）\n", "")
    index = [r["code"] for r in _yaml(pack, "reward_items.yaml")["reward_items"]].index("luban_prize")
    assert _refused(pack) == [f"reward_items.yaml 第{row}行 reward_items[{index}].name：缺少必填字段"]


def test_an_unknown_funding_source(tmp_path):
    pack = copy_pack(tmp_path)
    line = edit(
        pack,
        "reward_items.yaml",
        "    amount_yuan: 2000000\n    funding_source: jingzhou\n",
        "    amount_yuan: 2000000\n    funding_source: county\n",
    )
    assert _refused(pack) == [
        f"reward_items.yaml 第{line + 1}行 reward_items[0].funding_source："
        "未知资金来源“county”（应为 funding_sources.yaml 中的 source）"
    ]


def test_an_unknown_unit_in_the_committee_and_in_a_target_owner(tmp_path):
    pack = copy_pack(tmp_path)
    seat = edit(pack, "committee.yaml", "    unit: 市教育局\n", "    unit: 市教委\n")
    seats = _yaml(pack, "committee.yaml")["seats"]
    index = next(i for i, s in enumerate(seats) if s["unit"] == "市教委")
    owner = edit(
        pack,
        "plan_2022_2025.yaml",
        "    source_text: 培育3家以上质量标杆企业\n    owners:\n      - unit: 市科经局\n",
        "    source_text: 培育3家以上质量标杆企业\n    owners:\n      - unit: 市科技局\n",
    )
    targets = _yaml(pack, "plan_2022_2025.yaml")["targets"]
    target = next(i for i, t in enumerate(targets) if t["owners"][0]["unit"] == "市科技局")
    hint = "（应为 member_units.yaml 中的单位名称或别名）"
    assert _refused(pack) == [
        f"committee.yaml 第{seat}行 seats[{index}].unit：未知单位“市教委”{hint}",
        f"plan_2022_2025.yaml 第{owner + 2}行 targets[{target}].owners[0].unit：未知单位“市科技局”{hint}",
    ]


def test_malformed_yaml(tmp_path):
    pack = copy_pack(tmp_path)
    line = edit(pack, "funding_sources.yaml", "    payer: 荆州市人民政府\n", "    payer: [荆州市人民政府\n")
    errors = _refused(pack)
    assert len(errors) == 1
    assert errors[0].startswith(f"funding_sources.yaml 第{line + 1}行：YAML 格式错误（"), errors


def test_every_error_of_every_file_is_reported_at_once(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack, "pack.yaml", "  document_number: 监政发〔2022〕1号\n", "")
    typo = edit(pack, "member_units.yaml", "    is_member: false\n", "    is_menber: false\n")
    kind = edit(pack, "meetings.yaml", "  frequency_months: 6 ", "  frequency_months: 0 ")
    errors = _refused(pack)
    assert errors == [
        f"meetings.yaml 第{kind}行 meeting_rules.frequency_months：应不小于 1，实为 0",
        f"member_units.yaml 第{typo}行 member_units[0].is_menber：未知字段"
        "（允许的字段：name、full_name、kind、is_member、aliases、order）",
        f"pack.yaml 第{line_of(pack, 'pack.yaml', 'document:')}行 document.document_number：缺少必填字段",
    ]


def test_the_command_prints_every_error_and_says_nothing_changed(tmp_path, capsys):
    pack = copy_pack(tmp_path)
    edit(
        pack,
        "reward_items.yaml",
        "    funding_source: province\n    provisional: true\n    family: china_time_honored_brand\n",
        "    funding_source: nowhere\n    provisional: true\n    family: china_time_honored_brand\n",
    )
    before = row_counts()
    with pytest.raises(CommandError, match=r"有 1 处错误，未作任何修改"):
        call_command("load_policy", pack=str(pack))
    assert "未知资金来源“nowhere”" in capsys.readouterr().err
    assert row_counts() == before


def _yaml(pack, name):
    import yaml

    return yaml.safe_load((pack / name).read_text(encoding="utf-8"))


def test_a_code_repeated_within_a_list(tmp_path):
    pack = copy_pack(tmp_path)
    first = edit(pack, "reward_items.yaml", "  - code: national_standard\n", "  - code: group_standard\n")
    second = line_of(pack, "reward_items.yaml", "    name: 主导制修订团体（联盟）标准\n") - 1
    rows = _yaml(pack, "reward_items.yaml")["reward_items"]
    repeated = [i for i, r in enumerate(rows) if r["code"] == "group_standard"][1]
    assert _refused(pack) == [
        f"reward_items.yaml 第{second}行 reward_items[{repeated}].code：奖项代码“group_standard”重复（第{first}行已有）"
    ]


def test_a_top_level_key_of_pack_yaml_that_no_section_owns(tmp_path):
    pack = copy_pack(tmp_path)
    text = (pack / "pack.yaml").read_text(encoding="utf-8")
    (pack / "pack.yaml").write_text(text + "settinngs:\n  amber: 10\n", encoding="utf-8")
    line = text.count("\n") + 1
    errors = _refused(pack)
    assert len(errors) == 1 and errors[0].startswith(
        f"pack.yaml 第{line}行 settinngs：未知字段（允许的字段："
    ), errors


def test_a_missing_file_is_told_once(tmp_path):
    pack = copy_pack(tmp_path)
    (pack / "pack.yaml").unlink()
    assert _refused(pack) == ["pack.yaml：缺少文件"]


def test_meetings_without_the_kind_of_their_standing_first_item(tmp_path):
    """Every meeting opens with 上次联席会议决定事项落实情况, of the kind coded ``inspection``."""
    pack = copy_pack(tmp_path)
    edit(pack, "meetings.yaml", "    - code: inspection\n", "    - code: review\n")
    line = line_of(pack, "meetings.yaml", "  business_kinds:")
    assert _refused(pack) == [
        f"meetings.yaml 第{line}行 meeting_rules.business_kinds：缺少议事内容代码“inspection”"
        "（检查决议决定落实情况）：每次会议的第一项议程“上次联席会议决定事项落实情况”属于这一类"
    ]
