"""Issue 18 point 6, the awards part: on 青石县's pack an enterprise applies, the office reviews,
publishes and pays, and every amount follows the pack's rules — a tier, 按最高标准 within a group,
a yearly cap and 补差 after a nomination."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from awards import services
from awards.models import Application, MoneyChange
from awards.services.legacy import COLUMNS
from awards.tests.factories import approve_by_reply, pdf
from awards.tests.test_legacy import xlsx
from core.errors import ServiceError
from core.models import ImportBatch
from tests.factories import EnterpriseFactory, UserFactory

from .test_second_county import qingshi  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 3, 3)
TIER_MISSING = "奖项“质量品牌示范企业”按等级奖励，请选择等级（省级、市级）。"


@pytest.fixture
def people(qingshi):  # noqa: F811
    enterprise = EnterpriseFactory(name="青石示范食品有限公司", verified_at=timezone.now())
    return {
        "enterprise": UserFactory(role="enterprise", enterprise=enterprise, username="qs_ent"),
        "office": UserFactory(role="office_staff", username="qs_office"),
        "approver": UserFactory(role="office_approver", username="qs_approver"),
        "approver2": UserFactory(role="office_approver", username="qs_approver2"),
    }


def _approved(people, code, reference, *, tier="", award_date=dt.date(2025, 1, 10), today=TODAY):
    user = people["enterprise"]
    application = services.application_submit(
        enterprise=user.enterprise,
        reward_code=code,
        award_date=award_date,
        reference=reference,
        by=user,
        issuing_body="青石县人民政府",
        attachments=[pdf()],
        tier=tier,
        today=today,
    )
    services.application_first_review(application=application, by=people["office"], decision="pass")
    return services.application_second_review(application=application, by=people["approver"], decision="pass")


def _publish_and_pay(people, applications):
    batch = services.publicity_publish(
        applications=applications,
        start_date=TODAY,
        by=people["office"],
        contact_phone="0716-5500000",
        contact_address="青石县市场监管局",
        today=TODAY,
    )
    assert [a.amount_yuan for a in batch.applications.order_by("id")] == [a.amount_yuan for a in applications]
    services.publicity_advance_due(today=batch.end_date + dt.timedelta(days=1))
    approve_by_reply(
        applications, by=people["office"], checker=people["approver2"], requested_on=dt.date(2025, 3, 20)
    )
    for a in applications:
        change = services.payment_record(
            application=a,
            by=people["office"],
            amount_yuan=a.approved_amount_yuan,
            paid_on=dt.date(2025, 4, 1),
            voucher_number=f"QS-{a.pk}",
            today=dt.date(2025, 4, 2),
        )
        services.money_change_confirm(change=change, by=people["approver"])
        a.refresh_from_db()
    return batch


def test_apply_review_publish_and_pay_follow_the_counties_rules(people):
    # a tiered line: 市级 50,000; then a higher award of the same highest-only group pays the difference
    demo = _approved(people, "brand_demo", "QS-SF-2025-1", tier="municipal")
    mayor = _approved(people, "county_mayor_award", "QS-XZ-2025-1")
    # a yearly cap of 30,000 over the standards group: 20,000, then 15,000 capped to 10,000
    group = _approved(people, "group_standard", "T/QS 001-2025")
    leader = _approved(people, "standard_leader", "QS-LP-2025-1")
    # 补差: the prize after its nomination pays 500,000 − 200,000
    nomination = _approved(people, "provincial_quality_award_nomination", "CJ-TM-2025-1")
    prize = _approved(people, "provincial_quality_award", "CJ-2025-1")
    applications = [demo, mayor, group, leader, nomination, prize]
    assert [a.amount_yuan for a in applications] == [50_000, 100_000, 20_000, 10_000, 200_000, 300_000]
    assert demo.reward_tier.name == "市级"
    assert "补差 100,000 元" in mayor.amount_notes[-1]
    assert "核定 10,000 元" in leader.amount_notes[-1]
    assert "提名奖后获正奖补差" in prize.amount_notes[-1]
    _publish_and_pay(people, applications)
    paid = Application.objects.filter(pk__in=[a.pk for a in applications]).order_by("id")
    assert [(a.status, a.paid_amount_yuan) for a in paid] == [("paid", a.amount_yuan) for a in applications]
    assert sum(a.paid_amount_yuan for a in paid) == 680_000


def test_after_payment_a_lower_award_of_the_group_and_a_capped_out_line_are_refused(people):
    mayor = _approved(people, "county_mayor_award", "QS-XZ-2025-1")
    group = _approved(people, "group_standard", "T/QS 001-2025")
    second = _approved(people, "group_standard", "T/QS 002-2025")
    _publish_and_pay(people, [mayor, group, second])
    assert [mayor.paid_amount_yuan, group.paid_amount_yuan, second.paid_amount_yuan] == [
        150_000,
        20_000,
        10_000,
    ]
    user = people["enterprise"]
    before = Application.objects.count()
    for code, reference, tier, why in (
        ("brand_demo", "QS-SF-2025-9", "provincial", "按最高标准奖励、不重复享受（品牌荣誉）"),
        ("standard_leader", "QS-LP-2025-9", "", "上限已用完，本项不再奖励"),
    ):
        with pytest.raises(ServiceError) as exc:
            services.application_submit(
                enterprise=user.enterprise,
                reward_code=code,
                award_date=dt.date(2025, 2, 1),
                reference=reference,
                by=user,
                issuing_body="青石县人民政府",
                attachments=[pdf()],
                tier=tier,
                today=TODAY,
            )
        assert why in exc.value.messages[0]
    assert Application.objects.count() == before
    # the next year's cap is a new one
    next_year = _approved(
        people, "standard_leader", "QS-LP-2026-1", award_date=dt.date(2026, 1, 5), today=dt.date(2026, 2, 1)
    )
    assert next_year.amount_yuan == 15_000


def _legacy_row(people, **kw):
    values = {
        "row_number": 0,
        "credit_code": people["enterprise"].enterprise.credit_code,
        "enterprise_name": "青石示范食品有限公司",
        "reward_code": "brand_demo",
        "award_date": dt.date(2023, 6, 1),
        "reference": "QS-SF-2023-1",
        "issuing_body": "青石县人民政府",
        "amount_yuan": 50_000,
        "paid_on": dt.date(2023, 12, 20),
        "voucher_number": "QS-PZ-1",
        "note": "",
    }
    values.update(kw)
    return services.LegacyRow(**values)


def test_a_tiered_line_is_entered_as_a_legacy_reward_with_its_tier(people):
    # without a tier the line cannot be assessed: refused, nothing pending
    with pytest.raises(ServiceError) as exc:
        services.legacy_record(row=_legacy_row(people), by=people["office"], today=TODAY)
    assert exc.value.messages == [TIER_MISSING]
    assert not MoneyChange.objects.exists()
    row = _legacy_row(people, tier="municipal", tier_name="市级")
    change = services.legacy_record(row=row, by=people["office"], source="测试", today=TODAY)
    assert change.summary.startswith("青石示范食品有限公司 brand_demo（市级） 编号 QS-SF-2023-1")
    services.money_change_confirm(change=change, by=people["approver"])
    legacy = Application.objects.get(is_legacy=True)
    assert (legacy.reward_tier.name, legacy.amount_yuan, legacy.paid_amount_yuan, legacy.status) == (
        "市级",
        50_000,
        50_000,
        "paid",
    )
    # it counts for 按最高标准奖励: the provincial tier later pays only the difference
    provincial = _approved(people, "brand_demo", "QS-SF-2025-2", tier="provincial")
    assert provincial.amount_yuan == 50_000


def test_the_legacy_form_and_import_take_the_tier(people, client):
    code = people["enterprise"].enterprise.credit_code
    client.force_login(people["office"])
    page = client.get(reverse("awards:legacy_create")).content.decode()
    assert "奖励等级" in page and "市级（5 万元）" in page
    form = {
        "credit_code": code,
        "reward_item": "brand_demo",
        "award_date": "2023-06-01",
        "reference": "QS-SF-2023-1",
        "amount_yuan": "50000",
        "paid_on": "2023-12-20",
    }
    with time_machine.travel(dt.datetime(2025, 3, 3, 10, tzinfo=dt.UTC), tick=False):
        response = client.post(reverse("awards:legacy_create"), form)
        assert TIER_MISSING in response.content.decode() and not MoneyChange.objects.exists()
        response = client.post(reverse("awards:legacy_create"), {**form, "tier": "municipal"})
        assert response.status_code == 302
        assert MoneyChange.objects.get().payload["rows"][0]["tier"] == "municipal"

        assert [label for _, label in COLUMNS][-1] == "奖励等级"
        tiered = [code, "", "质量品牌示范企业", "2024-06-01", "QS-SF-2024-1", "", 100000, "2024-12-20",
                  "", "", "", "", "省级"]  # fmt: skip
        wrong = [*tiered[:4], "QS-SF-2024-2", *tiered[5:12], "国家级"]
        response = client.post(reverse("awards:legacy_import"), {"file": xlsx([tiered, wrong])})
        body = response.content.decode()
        assert "奖励等级“国家级”不是该奖项的等级（可填写等级名称或代码）。" in body
        assert not ImportBatch.objects.exists()
        response = client.post(reverse("awards:legacy_import"), {"file": xlsx([tiered])}, follow=True)
        assert "质量品牌示范企业（省级）" in response.content.decode()
        assert ImportBatch.objects.get().rows[0]["tier"] == "provincial"


def test_the_admin_shows_funding_sources_groups_and_tiers_but_not_their_money(qingshi, client):  # noqa: F811
    from awards.models import FundingSource, RewardGroup, RewardTier

    client.force_login(UserFactory(role="admin", username="qs_admin", is_staff=True, is_superuser=True))
    for model in ("fundingsource", "rewardgroup", "rewardtier"):
        page = client.get(reverse(f"admin:awards_{model}_changelist"))
        assert page.status_code == 200, model
    assert (
        "青石县质量品牌发展专项资金"
        in client.get(reverse("admin:awards_fundingsource_changelist")).content.decode()
    )
    tier = RewardTier.objects.get(reward_item__code="brand_demo", code="municipal")
    url = reverse("admin:awards_rewardtier_change", args=[tier.pk])
    page = client.get(url).content.decode()
    assert 'name="amount_yuan"' not in page and 'name="name"' in page  # the amount is read-only
    client.post(url, {"name": "市级示范", "order": tier.order, "amount_yuan": 1})
    tier.refresh_from_db()
    assert (tier.name, tier.amount_yuan) == ("市级示范", 50_000)
    assert tier.history.first().history_user.username == "qs_admin"
    group = RewardGroup.objects.get(code="standards")
    page = client.get(reverse("admin:awards_rewardgroup_change", args=[group.pk])).content.decode()
    assert 'name="yearly_cap_yuan"' not in page and 'name="highest_only"' not in page
    assert client.get(reverse("admin:awards_rewardgroup_history", args=[group.pk])).status_code == 200
    source = FundingSource.objects.get(code="county")
    assert client.get(reverse("admin:awards_fundingsource_delete", args=[source.pk])).status_code == 403
    assert client.get(reverse("admin:awards_rewardtier_add")).status_code == 403
