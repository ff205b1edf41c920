"""The policy loaded by ``load_policy`` matches 监政发〔2022〕1号."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from awards.models import RewardItem
from committee.models import Appointment, MemberUnit, Seat
from core.models import PolicyRecord
from meetings.models import BusinessKind, MeetingRule
from policypack.files import PackInvalid
from policypack.loader import load_pack as load_policy
from targets.models import Measure, Plan, QualitativeGoal, Target, TargetOwner

pytestmark = pytest.mark.django_db

ALL_MODELS = (
    MemberUnit,
    Seat,
    Appointment,
    RewardItem,
    Plan,
    Target,
    TargetOwner,
    QualitativeGoal,
    Measure,
    MeetingRule,
    BusinessKind,
)


def _snapshot():
    return {m._meta.label: sorted(m.objects.values_list(flat=False).order_by("pk")) for m in ALL_MODELS}


def test_counts_match_the_document(policy):
    assert Target.objects.filter(plan=policy).count() == 27
    assert QualitativeGoal.objects.filter(plan=policy).count() == 4
    # section 二 numbers 5 + 4 + 3 measures (an early design note said 13; the document has 12)
    assert Measure.objects.filter(plan=policy).count() == 12
    assert RewardItem.objects.count() == 18
    # 附件1: chair, vice chair, 54 member lines, office director and deputy
    assert Seat.objects.count() == 58
    assert Seat.objects.filter(role="member").count() == 54
    assert MemberUnit.objects.filter(is_member=True).count() == 53
    assert MemberUnit.objects.filter(kind="township").count() == 21
    assert BusinessKind.objects.count() == 8
    assert MeetingRule.objects.get().frequency_months == 6


def test_reward_values_are_those_of_the_policy(policy):
    cqa = RewardItem.objects.get(code="china_quality_award")
    assert (cqa.name, cqa.amount_yuan, cqa.funding_source_id, cqa.provisional) == (
        "中国质量奖",
        2_000_000,
        "jingzhou",
        False,
    )
    assert str(cqa.effective_from) == "2022-01-01"
    assert RewardItem.objects.get(code="provincial_local_standard").amount_yuan == 20_000
    assert RewardItem.objects.get(code="china_time_honored_brand").provisional is True
    assert RewardItem.objects.get(code="hubei_time_honored_brand").funding_source_id == "province"
    assert set(RewardItem.objects.filter(funding_source="city").values_list("code", flat=True)) >= {
        "luban_prize",
        "scenic_4a",
        "well_known_trademark",
        "geographical_indication",
        "national_standard",
    }


def test_targets_spot_checks(policy):
    def target(name_part):
        return Target.objects.get(plan=policy, name__contains=name_part)

    assert target("质量提升行动").target_value == Decimal(100)
    farm = Target.objects.get(plan=policy, name__contains="农产品", kind="rate_at_least")
    assert farm.target_value == Decimal(98) and farm.measure_unit == "%"
    assert target("注册商标").target_value == Decimal(12000)
    assert Target.objects.filter(plan=policy, name__contains="驰名商标").count() == 2
    assert Target.objects.filter(plan=policy, name__contains="地理标志").count() == 2
    assert target("质量体系认证").target_value == Decimal(150)
    assert target("计量标准").target_value == Decimal(20)
    assert Target.objects.filter(plan=policy, kind="zero_breakthrough").count() >= 5
    # every target has an owner; owners the policy does not name are marked as assumptions
    assert not Target.objects.filter(plan=policy, owners__isnull=True).exists()
    assert TargetOwner.objects.filter(target__plan=policy, assumed=True).exists()


def test_measure_responsible_units_exactly_as_written(policy):
    m = Measure.objects.get(plan=policy, code="二(三)3")
    assert m.responsible_text == "市市场监管局、市发改局、市科经局、市农业农村局、市公共检验检测中心"
    assert "市市场监管局" in m.units.values_list("name", flat=True)
    assert Measure.objects.get(plan=policy, code="二(三)1").responsible_label == "责任部门"


def test_roster_office_and_unnamed_seat(policy):
    director = Appointment.objects.get(seat__role="office_director", end_date__isnull=True)
    assert director.person_name == "瞿建民"
    assert Appointment.objects.get(seat__role="office_deputy").person_name == "吴建林"
    assert Appointment.objects.get(seat__role="chair").person_name == "聂良平"
    unnamed = Appointment.objects.get(seat__unit__name="市公共检验检测中心")
    assert unnamed.person_name == ""


def test_loading_twice_changes_nothing(policy):
    before = _snapshot()
    report = load_policy()
    assert report.changed == 0
    assert _snapshot() == before


def test_office_edit_survives_reload(policy, capsys):
    item = RewardItem.objects.get(code="geographical_indication")
    item.amount_yuan = 120_000
    item.save()
    call_command("load_policy")
    out = capsys.readouterr().out
    item.refresh_from_db()
    assert item.amount_yuan == 120_000
    assert "保留办公室修改" in out and "地理标志" in out


def test_unedited_row_follows_a_corrected_fixture(policy, tmp_path, settings):
    import shutil

    import yaml

    for f in settings.POLICY_PACK_DIR.glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    data = yaml.safe_load((tmp_path / "reward_items.yaml").read_text(encoding="utf-8"))
    for row in data["reward_items"]:
        if row["code"] == "group_standard":
            row["basis"] = "更正后的依据"
    (tmp_path / "reward_items.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    load_policy(tmp_path)
    assert RewardItem.objects.get(code="group_standard").basis == "更正后的依据"
    assert PolicyRecord.objects.filter(model="awards.RewardItem", key="group_standard").exists()


def test_bad_fixture_changes_nothing(policy, tmp_path, settings):
    import shutil

    for f in settings.POLICY_PACK_DIR.glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    text = (tmp_path / "plan_2022_2025.yaml").read_text(encoding="utf-8")
    (tmp_path / "plan_2022_2025.yaml").write_text(
        text.replace("unit: 市农业农村局", "unit: 不存在的局"), encoding="utf-8"
    )
    before = _snapshot()
    with pytest.raises(PackInvalid, match="未知单位“不存在的局”"):
        load_policy(tmp_path)
    assert _snapshot() == before


def test_an_installation_loaded_before_the_pack_format_gets_the_new_identity_fields(policy):
    """A database loaded by the old loader: its snapshot of the policy document lacks the identity
    fields. The reload fills them in, and an office edit of the title is still kept."""
    from core.models import PolicyDocument

    new_fields = ("pack_code", "city_name", "short_name", "platform_name", "program_name")
    document = PolicyDocument.objects.get()
    record = PolicyRecord.objects.get(model="core.PolicyDocument", key=document.code)
    record.values = {k: v for k, v in record.values.items() if k not in new_fields}
    record.save()
    PolicyDocument.objects.update(title="办公室改过的标题", **{k: "" for k in new_fields})
    report = load_policy()
    document.refresh_from_db()
    assert document.title == "办公室改过的标题"
    assert (document.pack_code, document.city_name, document.platform_name) == (
        "jianli",
        "监利市",
        "监利市质量品牌工作平台",
    )
    assert report.kept == ["政策文件 监政发〔2022〕1号（title）"]
    assert load_policy().changed == 0
