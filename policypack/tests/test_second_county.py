"""Issue 18 point 6 (the part of the policy pack itself): a second, fictional county — 青石县, its own
实施意见, a committee with 常务副主任 and 联络员, other units, its own plan — loads from data alone, and
its pages and documents name it, never 监利. One pack per installation: the other is refused."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document

from accounts.models import User
from awards.models import (
    FundBudget,
    FundingPath,
    FundingSource,
    FundingStep,
    MoneyChange,
    RewardAmount,
    RewardGroup,
    RewardItem,
    RewardTier,
)
from awards.services import budget_set
from committee.models import Appointment, MemberUnit, Role, Seat
from committee.roster_io import roster_document
from committee.selectors import current_roster, roster_groups
from core.errors import ServiceError
from core.models import PolicyDocument, PolicyRecord
from core.policy import first_year
from meetings.forms import HistoryMeetingForm
from meetings.models import BusinessKind, MeetingRule
from meetings.services import workplan_create
from policypack.files import PackInvalid
from policypack.loader import load_pack
from targets.models import Measure, MeasureResponsibility, Plan, QualitativeGoal, Target, TargetOwner
from tests.factories import UserFactory

from .packs import TEST_PACKS, line_of, row_counts

pytestmark = pytest.mark.django_db

QINGSHI = TEST_PACKS / "qingshi"
JIANLI_WORDS = ("监利", "监政发")
REFUSED = (
    "本系统已载入政策包“{installed}”，不能再载入政策包“{other}”："
    "一套系统只运行一个县市的政策包（如需更换，请使用新的数据库）"
)

# children first: what the Jianli pack wrote, so that the test database holds no pack at all
POLICY_MODELS = (
    MeasureResponsibility,
    Measure,
    TargetOwner,
    Target,
    QualitativeGoal,
    Plan,
    Appointment,
    Seat,
    Role,
    FundingStep,
    FundingPath,
    RewardAmount,
    RewardTier,
    RewardItem,
    RewardGroup,
    FundingSource,
    BusinessKind,
    MeetingRule,
    MemberUnit,
    PolicyDocument,
    PolicyRecord,
)


@pytest.fixture
def qingshi(db):
    """A database holding 青石县's pack only (the session's Jianli pack removed inside the test)."""
    User.objects.exclude(member_unit=None).delete()
    for model in POLICY_MODELS:
        model.objects.all().delete()
    report = load_pack(QINGSHI)
    assert report.changed and not report.kept
    return report


def _docx_text(doc) -> str:
    buffer = io.BytesIO()
    doc.save(buffer)
    loaded = Document(io.BytesIO(buffer.getvalue()))
    cells = [c.text for t in loaded.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in loaded.paragraphs] + cells)


def test_the_pack_loads_as_data(qingshi):
    document = PolicyDocument.objects.get()
    assert (document.pack_code, document.city_name, document.document_number) == (
        "qingshi",
        "青石县",
        "青政发〔2023〕7号",
    )
    assert document.platform_name == "青石县质量品牌工作平台"
    assert list(Role.objects.values_list("name", flat=True)) == [
        "主任",
        "常务副主任",
        "副主任",
        "成员",
        "办公室主任",
        "办公室副主任",
        "联络员",
    ]
    assert Seat.objects.count() == 13 and MemberUnit.objects.count() == 10
    assert Seat.objects.get(role__name="常务副主任").appointments.get().person_name == "林石开"
    plan = Plan.objects.get()
    assert (plan.code, plan.is_current) == ("qs-2023-2027", True)
    assert plan.targets.count() == 2 and plan.goals.count() == 1 and plan.measures.count() == 2
    assert set(Measure.objects.get(code="二(二)1").units.values_list("name", flat=True)) == {
        "县农业农村局",
        "县商务局",
        "青山镇",
    }
    assert RewardItem.objects.filter(funding_source="county").count() == 6
    assert MeetingRule.objects.get().frequency_months == 4
    assert load_pack(QINGSHI).changed == 0  # idempotent


def test_the_roster_groups_follow_the_roles_data(qingshi):
    groups = dict(roster_groups(current_roster()))
    assert list(groups) == ["领导", "成员", "委员会办公室", "联络员"]
    assert [e.seat.role.name for e in groups["领导"]] == ["主任", "常务副主任", "副主任"]
    assert [e.person_name for e in groups["联络员"]] == ["周小满"]


def test_pages_name_the_county_and_never_jianli(qingshi, client):
    pages = {reverse("core:home"), reverse("core:policy"), reverse("core:reward_schedule")}
    for url in pages:
        body = client.get(url).content.decode()
        assert "青石县质量品牌工作平台" in body, url
        assert not any(word in body for word in JIANLI_WORDS), url
    client.force_login(UserFactory(role=User.Role.OFFICE_STAFF))
    body = client.get(reverse("committee:roster")).content.decode()
    assert "青石县质量强县及品牌建设工作委员会" in body and "常务副主任" in body and "联络员" in body
    assert "依据 青政发〔2023〕7号" in body and "设在县市场监管局" in body
    assert not any(word in body for word in JIANLI_WORDS)


def test_the_roster_document_names_the_county(qingshi):
    text = _docx_text(roster_document(current_roster(), on=Plan.objects.get().start_date.replace(year=2024)))
    assert "青石县质量强县及品牌建设工作委员会名单" in text
    assert "常务副主任：林石开 常务副县长" in text
    assert "宋一川兼任办公室主任" in text
    assert not any(word in text for word in JIANLI_WORDS)


def test_the_jianli_pack_is_refused_on_a_qingshi_database(qingshi, settings):
    before = row_counts()
    with pytest.raises(PackInvalid) as caught:
        load_pack(settings.POLICY_PACK_DIR)
    line = line_of(settings.POLICY_PACK_DIR, "pack.yaml", "  code: jianli ")
    assert [str(e) for e in caught.value.errors] == [
        f"pack.yaml 第{line}行 pack.code：" + REFUSED.format(installed="qingshi", other="jianli")
    ]
    assert row_counts() == before
    with pytest.raises(CommandError, match="有 1 处错误，未作任何修改"):
        call_command("load_policy")
    assert row_counts() == before


def test_the_qingshi_pack_is_refused_on_the_jianli_database():
    before = row_counts()
    with pytest.raises(PackInvalid) as caught:
        load_pack(QINGSHI)
    line = line_of(QINGSHI, "pack.yaml", "  code: qingshi\n")
    assert [str(e) for e in caught.value.errors] == [
        f"pack.yaml 第{line}行 pack.code：" + REFUSED.format(installed="jianli", other="qingshi")
    ]
    assert row_counts() == before


@time_machine.travel(dt.datetime(2026, 12, 2, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False)
def test_the_programme_starts_in_the_year_of_the_countys_policy(qingshi, client):
    """青政发〔2023〕7号 was issued in 2023: the money page offers 2023 on, a budget or a past meeting of
    2022 is refused in Chinese, and nothing is stored (Jianli's programme starts in 2022)."""
    assert first_year() == 2023
    office = UserFactory(role=User.Role.OFFICE_APPROVER)
    client.force_login(office)
    body = client.get(reverse("awards:money")).content.decode()
    assert 'value="2023"' in body and 'value="2022"' not in body
    source = FundingSource.objects.order_by("order").first()
    with pytest.raises(ServiceError) as exc:
        budget_set(
            by=office, year=2022, funding_source=source.code, amount_yuan=100_000, basis="青财〔2022〕1号"
        )
    assert "年度应在 2023 至" in " ".join(exc.value.messages)
    assert not MoneyChange.objects.exists() and not FundBudget.objects.exists()
    form = HistoryMeetingForm(data={"year": 2022, "half": 1, "held_on": "2022-06-16"})
    assert not form.is_valid() and form.errors["year"] == ["年度不能早于 2023 年（政策自该年起施行）。"]


def test_texts_name_the_countys_work_and_office(qingshi, client):
    """A work plan without a title is named after 青石县's work (质量强县…), the home page leads with it,
    never Jianli's 质量强市."""
    office = UserFactory(role=User.Role.OFFICE_STAFF)
    plan = workplan_create(year=2027, title="  ", by=office)
    assert plan.title == "2027年质量强县及品牌建设工作计划"
    body = client.get(reverse("core:home")).content.decode()
    assert "<h1>质量强县及品牌建设</h1>" in body and "质量强市" not in body
