"""Plans, targets and measures through pages (a 2026–2030 plan without code), and the final evaluation."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from committee.models import MemberUnit
from targets.models import Measure, Plan, Report, Target, TargetOwner
from targets.services import period_open

pytestmark = pytest.mark.django_db

PLAN_DATA = {
    "code": "jl-2026-2030",
    "name": "监利市质量强市建设规划（2026—2030年）",
    "document_number": "监政发〔2026〕3号",
    "issued_on": "2026-03-01",
    "start_date": "2026-01-01",
    "end_date": "2030-12-31",
    "is_current": "on",
}


def target_data(**overrides):
    market = MemberUnit.objects.get(name="市市场监管局")
    agriculture = MemberUnit.objects.get(name="市农业农村局")
    data = {
        "code": "N01",
        "category": "quality",
        "kind": "rate_at_most",
        "name": "产品质量监督抽查不合格发现率",
        "measure_unit": "%",
        "target_value": "3",
        "baseline_value": "6",
        "baseline_date": "2025-12-31",
        "deadline": "2030-12-31",
        "clause": "一(一)",
        "source_text": "",
        "note": "",
        "order": "10",
        "active": "on",
        "lead_units": [market.pk],
        "support_units": [agriculture.pk],
    }
    data.update(overrides)
    return data


def test_office_creates_a_new_plan_and_its_targets_through_pages(client, policy, users):
    client.force_login(users["office"])
    response = client.post(reverse("targets:plan_create"), PLAN_DATA)
    plan = Plan.objects.get(code="jl-2026-2030")
    assert response.status_code == 302 and plan.is_current
    policy.refresh_from_db()
    assert not policy.is_current  # one current plan: the dashboard's default
    response = client.post(reverse("targets:target_create", args=[plan.pk]), target_data())
    assert response.status_code == 302
    target = Target.objects.get(plan=plan, code="N01")
    assert set(target.owners.values_list("unit__name", "role")) == {
        ("市市场监管局", "lead"),
        ("市农业农村局", "support"),
    }
    assert target.history.latest().history_user == users["office"]
    market = MemberUnit.objects.get(name="市市场监管局")
    response = client.post(
        reverse("targets:measure_create", args=[plan.pk]),
        {
            "code": "M01",
            "group": "质量提升",
            "number": 1,
            "title": "实施质量强企行动",
            "text": "……",
            "responsible_text": "市市场监管局",
            "order": 10,
            "units": [market.pk],
        },
    )
    assert response.status_code == 302
    assert Measure.objects.get(plan=plan, code="M01").responsibilities.get().unit == market
    # the new plan is reported on like the old one
    with time_machine.travel(dt.datetime(2026, 7, 1, 9, 0), tick=False):
        period, created = period_open(plan=plan, year=2026, half=1)
    report = Report.objects.get(period=period, unit=market)
    assert created == 2  # 市市场监管局 (target, measure) and 市农业农村局 (support)
    assert [line.target.code for line in report.target_lines.all()] == ["N01"]
    body = client.get(reverse("targets:dashboard")).content.decode()
    assert "产品质量监督抽查不合格发现率" in body


def test_editing_a_targets_owners_replaces_them(client, policy, users):
    target = policy.targets.get(code="T05")
    client.force_login(users["office"])
    agriculture = MemberUnit.objects.get(name="市农业农村局")
    data = target_data(
        code="T05",
        kind="rate_at_least",
        target_value="98",
        baseline_value="",
        baseline_date="2021-12-31",
        deadline="2025-12-31",
        lead_units=[agriculture.pk],
        support_units=[],
    )
    assert client.post(reverse("targets:target_edit", args=[target.pk]), data).status_code == 302
    assert list(TargetOwner.objects.filter(target=target).values_list("unit__name", "role")) == [
        ("市农业农村局", "lead")
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"kind": "rate_at_least", "target_value": "120"}, "不能超过 100"),
        ({"kind": "exactly_100", "target_value": "99"}, "必须是 100"),
        ({"kind": "zero_breakthrough", "target_value": "2"}, "必须是 1"),
        ({"target_value": "-1"}, "不能为负数"),
        ({"target_value": "很多"}, "数字"),
        ({"deadline": "2031-06-30"}, "须在规划期内"),
        ({"baseline_date": "2031-01-01"}, "必须早于完成时限"),
        ({"code": "T04"}, "相同编号"),
        ({"name": "=cmd()"}, "疑似公式"),
        ({"lead_units": []}, "这个字段是必填项"),
    ],
)
def test_bad_target_input_is_refused_and_nothing_saved(client, policy, users, overrides, message):
    client.force_login(users["office"])
    before = Target.objects.count()
    data = target_data(deadline="2025-12-31", baseline_date="2021-12-31", code="T99") | overrides
    response = client.post(reverse("targets:target_create", args=[policy.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Target.objects.count() == before


def test_plan_with_end_before_start_is_refused(client, users, policy):
    client.force_login(users["office"])
    response = client.post(reverse("targets:plan_create"), PLAN_DATA | {"end_date": "2025-01-01"})
    assert response.status_code == 400 and "截止日期必须晚于起始日期" in response.content.decode()
    assert not Plan.objects.filter(code="jl-2026-2030").exists()


def test_plan_pages_access(client, policy, users):
    urls = [
        reverse("targets:plan_detail", args=[policy.pk]),
        reverse("targets:target_create", args=[policy.pk]),
        reverse("targets:evaluation", args=[policy.pk]),
        reverse("targets:evaluation_xlsx", args=[policy.pk]),
        reverse("targets:evaluation_docx", args=[policy.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302
    for name in ("unit_a", "enterprise_a"):
        client.force_login(users[name])
        for url in urls:
            assert client.get(url).status_code == 403, url
    client.force_login(users["approver"])
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_new_target_form_defaults_to_the_plans_deadline_and_baseline(client, policy, users):
    client.force_login(users["office"])
    form = client.get(reverse("targets:target_create", args=[policy.pk])).context["form"]
    assert form["deadline"].value() == dt.date(2025, 12, 31)
    assert form["baseline_date"].value() == dt.date(2021, 12, 31)
