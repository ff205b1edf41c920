"""Issue 16 point 2: a new plan carried over from the previous one; one series across plans; a half
year no plan covers is reported; a period opened after its due date asks for a new due date."""

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from notifications.models import Notification
from scheduler import services as jobs
from targets import selectors
from targets.models import Plan, ReportingPeriod, Statistic, Target, TargetOwner
from targets.services import CarryRow, ReportError, period_open, plan_carry_over

pytestmark = pytest.mark.django_db

DEC_2026 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def december():
    with time_machine.travel(DEC_2026, tick=False):
        yield


def _new_plan(**overrides) -> Plan:
    fields = {
        "code": "jl-2026-2030",
        "name": "监利市质量品牌提升行动实施意见（2026—2030年）",
        "start_date": dt.date(2026, 1, 1),
        "end_date": dt.date(2030, 12, 31),
        "is_current": True,
    }
    return Plan(**(fields | overrides))


def _post_data(policy, **plan_overrides):
    data = {
        "code": "jl-2026-2030",
        "name": "监利市质量品牌提升行动实施意见（2026—2030年）",
        "title": "",
        "document_number": "监政发〔2026〕1号",
        "issued_on": "2026-02-01",
        "start_date": "2026-01-01",
        "end_date": "2030-12-31",
        "is_current": "on",
    } | plan_overrides
    targets = list(policy.targets.filter(active=True).order_by("order", "id"))
    data["rows-TOTAL_FORMS"] = str(len(targets))
    data["rows-INITIAL_FORMS"] = str(len(targets))
    for i, t in enumerate(targets):
        data[f"rows-{i}-target"] = str(t.pk)
        data[f"rows-{i}-include"] = "on"
        data[f"rows-{i}-target_value"] = "100" if t.is_rate else str(int(t.target_value) + 5)
        data[f"rows-{i}-deadline"] = "2030-12-31"
    return data, targets


def test_carry_over_copies_targets_with_owners_and_links_them(policy, users):
    stock = policy.targets.filter(kind="at_least").order_by("order").first()
    new = policy.targets.filter(kind="new_since_baseline").order_by("order").first()
    Statistic.objects.create(
        target=stock, value=Decimal(7), as_of=dt.date(2025, 12, 31), source="统计", origin="import"
    )
    plan = plan_carry_over(
        source=policy,
        plan=_new_plan(),
        rows=[
            CarryRow(source=stock, target_value=Decimal(12), deadline=dt.date(2030, 12, 31)),
            CarryRow(source=new, target_value=Decimal(3), deadline=dt.date(2028, 12, 31)),
        ],
        by=users["office"],
    )
    assert plan.predecessor == policy and plan.is_current
    policy.refresh_from_db()
    assert not policy.is_current
    copied = plan.targets.get(predecessor=stock)
    assert (copied.code, copied.category, copied.kind, copied.measure_unit, copied.name) == (
        stock.code,
        stock.category,
        stock.kind,
        stock.measure_unit,
        stock.name,
    )
    assert copied.target_value == 12 and copied.deadline == dt.date(2030, 12, 31)
    # the new straight line starts where the old plan ended
    assert copied.baseline_value == 7 and copied.baseline_date == dt.date(2025, 12, 31)
    assert plan.targets.get(predecessor=new).baseline_value is None  # 新增 counts from 0 again
    old_owners = set(TargetOwner.objects.filter(target=stock).values_list("unit_id", "role", "assumed"))
    assert set(copied.owners.values_list("unit_id", "role", "assumed")) == old_owners and old_owners


@pytest.mark.parametrize(
    "plan_kwargs, row_kwargs, message",
    [
        ({"start_date": dt.date(2025, 6, 1)}, {}, "起始日期须晚于"),
        ({}, {"deadline": dt.date(2031, 1, 1)}, "完成时限须在新规划期限"),
        ({}, {"target_value": Decimal(-1)}, "不能为负数"),
    ],
)
def test_bad_carry_over_creates_nothing(policy, users, plan_kwargs, row_kwargs, message):
    stock = policy.targets.filter(kind="at_least").order_by("order").first()
    row = {"source": stock, "target_value": Decimal(5), "deadline": dt.date(2030, 12, 31)} | row_kwargs
    before = (Plan.objects.count(), Target.objects.count(), TargetOwner.objects.count())
    with pytest.raises(ReportError, match=message):
        plan_carry_over(
            source=policy, plan=_new_plan(**plan_kwargs), rows=[CarryRow(**row)], by=users["office"]
        )
    assert (Plan.objects.count(), Target.objects.count(), TargetOwner.objects.count()) == before


def test_a_rate_target_above_100_and_an_empty_selection_are_refused(policy, users):
    rate = policy.targets.filter(kind="rate_at_least").order_by("order").first()
    with pytest.raises(ReportError, match="不能超过 100%"):
        plan_carry_over(
            source=policy,
            plan=_new_plan(),
            rows=[CarryRow(source=rate, target_value=Decimal(101), deadline=dt.date(2030, 12, 31))],
            by=users["office"],
        )
    with pytest.raises(ReportError, match="至少选择一项"):
        plan_carry_over(source=policy, plan=_new_plan(), rows=[], by=users["office"])
    assert not Plan.objects.filter(code="jl-2026-2030").exists()


def test_the_office_carries_over_in_one_table(client, policy, users, december):
    client.force_login(users["office"])
    url = reverse("targets:plan_carry_over", args=[policy.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.content.decode().count('name="rows-') >= policy.targets.filter(active=True).count() * 4
    data, targets = _post_data(policy)
    data["rows-1-include"] = ""  # leave one target behind
    response = client.post(url, data)
    assert response.status_code == 302
    plan = Plan.objects.get(code="jl-2026-2030")
    assert plan.targets.count() == len(targets) - 1
    assert not plan.targets.filter(predecessor=targets[1]).exists()
    assert plan.targets.get(predecessor=targets[0]).target_value == Decimal(data["rows-0-target_value"])


def test_one_bad_row_refuses_the_whole_table(client, policy, users, december):
    client.force_login(users["office"])
    data, _ = _post_data(policy)
    data["rows-2-target_value"] = "很多"
    response = client.post(reverse("targets:plan_carry_over", args=[policy.pk]), data)
    assert response.status_code == 400 and "新目标值“很多”无效" in response.content.decode()
    assert not Plan.objects.filter(code="jl-2026-2030").exists()


def test_a_tampered_target_id_is_refused(client, policy, users, december):
    other = plan_carry_over(
        source=policy,
        plan=_new_plan(code="other", name="另一规划"),
        rows=[CarryRow(source=policy.targets.first(), target_value=Decimal(1), deadline=dt.date(2030, 1, 1))],
        by=users["office"],
    )
    client.force_login(users["office"])
    data, _ = _post_data(policy, code="jl-x", name="篡改")
    data["rows-0-target"] = str(other.targets.get().pk)
    response = client.post(reverse("targets:plan_carry_over", args=[policy.pk]), data)
    assert response.status_code == 400 and "不属于上一规划" in response.content.decode()
    assert not Plan.objects.filter(code="jl-x").exists()


def test_a_unit_user_cannot_carry_over(client, policy, users):
    client.force_login(users["unit_a"])
    assert client.get(reverse("targets:plan_carry_over", args=[policy.pk])).status_code == 403


def test_the_series_continues_across_plans(client, policy, users, december):
    stock = policy.targets.filter(kind="at_least").order_by("order").first()
    for as_of, value in ((dt.date(2024, 12, 31), 4), (dt.date(2025, 12, 31), 7)):
        Statistic.objects.create(
            target=stock, value=Decimal(value), as_of=as_of, source="统计", origin="import"
        )
    plan = plan_carry_over(
        source=policy,
        plan=_new_plan(),
        rows=[CarryRow(source=stock, target_value=Decimal(12), deadline=dt.date(2030, 12, 31))],
        by=users["office"],
    )
    copied = plan.targets.get()
    Statistic.objects.create(
        target=copied, value=Decimal(9), as_of=dt.date(2026, 6, 30), source="统计", origin="import"
    )
    row = selectors.target_progress_rows(plan=plan)[0]
    assert [p["value"] for p in row["series"]] == [Decimal(4), Decimal(7), Decimal(9)]
    assert row["actual"] == 9  # progress is the new plan's own value
    client.force_login(users["office"])
    body = client.get(copied.get_absolute_url()).content.decode()
    chart = json.loads(body.split('id="history-chart" type="application/json">')[1].split("</script>")[0])
    assert [p[1] for p in chart["series"][0]["data"]] == [4.0, 7.0, 9.0]
    assert chart["series"][0]["markLine"]["data"] == [{"xAxis": "2026-01-01"}]
    assert 'id="lineage"' in body


def test_a_new_plan_without_values_shows_history_but_no_progress(policy, users, december):
    stock = policy.targets.filter(kind="at_least").order_by("order").first()
    Statistic.objects.create(
        target=stock, value=Decimal(7), as_of=dt.date(2025, 12, 31), source="统计", origin="import"
    )
    plan = plan_carry_over(
        source=policy,
        plan=_new_plan(),
        rows=[CarryRow(source=stock, target_value=Decimal(12), deadline=dt.date(2030, 12, 31))],
        by=users["office"],
    )
    row = selectors.target_progress_rows(plan=plan)[0]
    assert row["actual"] is None and row["rag"] == "gray"
    assert [p["value"] for p in row["series"]] == [Decimal(7)]


def test_a_half_year_no_plan_covers_is_reported_not_skipped(client, policy, users):
    result = jobs.half_year_open(today=dt.date(2026, 7, 1))
    assert "no plan covers 2026H2" in result["period"] and "office told" in result["period"]
    told = Notification.objects.filter(occasion="period:2026H2:no_plan", channel="inapp")
    assert set(told.values_list("recipient__username", flat=True)) == {"office1", "approver1", "approver2"}
    jobs.half_year_open(today=dt.date(2026, 7, 2))
    assert told.count() == 3  # told once, whatever the number of runs
    assert not ReportingPeriod.objects.filter(year=2026).exists()
    with time_machine.travel(DEC_2026, tick=False):
        client.force_login(users["office"])
        body = client.get(reverse("core:workbench")).content.decode()
    warning = body.split('id="no-plan-warning">', 1)[1].split("</div>", 1)[0]
    # within a month of the next half year, that one is named too
    assert warning.startswith("2026年下半年、2027年上半年没有规划覆盖")


def test_the_workbench_is_quiet_when_a_plan_covers_the_half(client, policy, users):
    with time_machine.travel(dt.datetime(2025, 3, 3, 10, tzinfo=dt.UTC), tick=False):
        client.force_login(users["office"])
        assert 'id="no-plan-warning"' not in client.get(reverse("core:workbench")).content.decode()


def test_opening_a_period_after_its_due_date_asks_for_a_new_one(client, policy, users):
    client.force_login(users["office"])
    with time_machine.travel(dt.datetime(2025, 9, 1, 10, tzinfo=dt.UTC), tick=False):
        data = {"plan": policy.pk, "year": 2025, "half": 1, "due_date": ""}
        response = client.post(reverse("targets:period_open"), data)
        assert response.status_code == 400 and "请填写新的报送截止日" in response.content.decode()
        assert not ReportingPeriod.objects.filter(year=2025, half=1).exists()
        response = client.post(reverse("targets:period_open"), data | {"due_date": "2025-09-15"})
        assert response.status_code == 302
    period = ReportingPeriod.objects.get(year=2025, half=1)
    assert period.due_date == dt.date(2025, 9, 15)
    # nobody is late on the day it opens, so nobody is reminded as overdue or escalated
    assert not Notification.objects.filter(occasion__contains="overdue").exists()
    assert not Notification.objects.filter(occasion__contains="escalate").exists()
    with pytest.raises(ReportError, match="已过"):
        period_open(plan=policy, year=2025, half=2, due_date=dt.date(2025, 8, 1), today=dt.date(2025, 9, 1))


def test_the_scheduler_does_not_open_a_period_whose_due_date_passed(policy, users):
    # a beat down for months: the catch-up on 2025-08-01 would give 2025H1 a due date of 2025-07-15
    result = jobs._period_open_for(jobs.HalfYear(2025, 1), today=dt.date(2025, 8, 1))
    assert result.startswith("not opened") and "office told" in result
    assert not ReportingPeriod.objects.filter(year=2025, half=1).exists()
    assert Notification.objects.filter(occasion="period:2025H1:not_opened").exists()


def test_measures_and_goals_can_be_copied_with_the_plan(policy, users):
    stock = policy.targets.filter(kind="at_least").order_by("order").first()
    plan = plan_carry_over(
        source=policy,
        plan=_new_plan(),
        rows=[CarryRow(source=stock, target_value=Decimal(12), deadline=dt.date(2030, 12, 31))],
        by=users["office"],
        copy_measures_and_goals=True,
    )
    assert plan.measures.count() == policy.measures.count() == 12
    old = policy.measures.order_by("order").first()
    new = plan.measures.get(code=old.code)
    assert list(new.responsibilities.values_list("unit_id", "order")) == list(
        old.responsibilities.values_list("unit_id", "order")
    )
    assert plan.goals.count() == policy.goals.count()
    bare = plan_carry_over(
        source=policy,
        plan=_new_plan(code="bare", name="不复制措施"),
        rows=[CarryRow(source=stock, target_value=Decimal(1), deadline=dt.date(2030, 12, 31))],
        by=users["office"],
    )
    assert not bare.measures.exists() and not bare.goals.exists()
