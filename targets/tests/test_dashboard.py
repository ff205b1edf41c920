"""Dashboard, matrix, target and unit pages: access, content, filters, and query counts that do not grow."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from targets import selectors
from targets.models import Report, Statistic
from targets.services import period_open, report_accept, report_return, report_submit
from targets.tests.factories import PlanFactory, TargetFactory, TargetOwnerFactory, statistics_batch

pytestmark = pytest.mark.django_db


def grow(policy, users, *, years):
    """More periods, accepted reports and statistics: the pages must not need more queries."""
    for year in years:
        for half in (1, 2):
            period, _ = period_open(plan=policy, year=year, half=half, backfilled=True)
            for report in period.reports.all()[:5]:
                report.status, report.first_submitted_at, report.backfilled = (
                    "accepted",
                    period.opened_at,
                    True,
                )
                report.save()
            for target in policy.targets.all():
                Statistic.objects.create(
                    target=target, value=Decimal(half), as_of=period.end_date, source="x", origin="import"
                )


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "page",
    ["dashboard", "matrix", "period_list", "report_list", "plan_list", "statistics_import"],
)
def test_page_query_count_does_not_grow_with_reports(
    client, policy, users, clock, page, django_assert_max_num_queries
):
    client.force_login(users["office"])
    url = reverse(f"targets:{page}")
    grow(policy, users, years=[2022])
    small = count_queries(client, url)
    grow(policy, users, years=[2023, 2024])
    with django_assert_max_num_queries(small):
        client.get(url)
    assert small <= 20


def test_period_target_and_unit_pages_query_count_does_not_grow(
    client, policy, users, clock, django_assert_max_num_queries
):
    client.force_login(users["office"])
    grow(policy, users, years=[2022])
    period = policy.periods.first()
    target = policy.targets.get(code="T04")
    unit = users["unit_a"].member_unit
    urls = [
        reverse("targets:period_detail", args=[period.pk]),
        reverse("targets:target_detail", args=[target.pk]),
        reverse("targets:unit_detail", args=[unit.pk]),
        reverse("targets:evaluation", args=[policy.pk]),
    ]
    small = {url: count_queries(client, url) for url in urls}
    grow(policy, users, years=[2023, 2024])
    for url in urls:
        with django_assert_max_num_queries(small[url]):
            client.get(url)


def test_dashboard_access(client, policy, users):
    url = reverse("targets:dashboard")
    assert client.get(url).status_code == 302
    for name, expected in [
        ("office", 200),
        ("approver", 200),
        ("unit_a", 200),
        ("enterprise_a", 403),
        ("admin", 403),
    ]:
        client.force_login(users[name])
        assert client.get(url).status_code == expected, name


@pytest.mark.parametrize("name", ["matrix", "period_list", "plan_list", "dashboard_export", "plan_create"])
def test_office_pages_are_403_for_member_units_and_enterprises(client, policy, users, name):
    url = reverse(f"targets:{name}")
    for user in ("unit_a", "enterprise_a"):
        client.force_login(users[user])
        assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_member_unit_sees_the_dashboard_read_only(client, policy, users):
    client.force_login(users["unit_a"])
    body = client.get(reverse("targets:dashboard")).content.decode()
    assert "本看板为只读" in body and "导出 Excel" not in body and "T04" in body


def test_dashboard_moves_only_when_a_report_is_accepted(client, report_a, users, fill, policy):
    client.force_login(users["office"])

    def t04_row():
        rows = client.get(reverse("targets:dashboard")).context["groups"]
        return next(r for _, group in rows for r in group if r["target"].code == "T04")

    fill(report_a, users["unit_a"], value="99")
    report_submit(report=report_a, by=users["unit_a"])
    assert t04_row()["actual"] is None
    report_accept(report=report_a, by=users["office"])
    row = t04_row()
    assert row["actual"] == Decimal("99") and row["rag"] == "green" and row["achieved"]


def test_dashboard_filters_by_category_unit_and_status(client, report_a, users, fill, policy):
    fill(report_a, users["unit_a"], value="99")
    report_submit(report=report_a, by=users["unit_a"])
    report_accept(report=report_a, by=users["office"])
    client.force_login(users["office"])

    def codes(**params):
        groups = client.get(reverse("targets:dashboard"), params).context["groups"]
        return {r["target"].code for _, rows in groups for r in rows}

    assert codes(category="foundation") == set(
        policy.targets.filter(category="foundation").values_list("code", flat=True)
    )
    assert codes(unit=report_a.unit_id) == {"T04", "T16", "T20", "T21"}
    assert "T04" in codes(rag="green") and "T04" not in codes(rag="gray")


def test_dashboard_shows_one_plan_at_a_time_with_a_switcher(client, policy, users):
    new_plan = PlanFactory(code="jl-2026-2030", name="2026—2030年规划")
    TargetFactory(plan=new_plan, code="N01", name="新规划指标")
    client.force_login(users["office"])
    body = client.get(reverse("targets:dashboard")).content.decode()
    assert "T04" in body and "新规划指标" not in body
    body = client.get(reverse("targets:dashboard"), {"plan": new_plan.pk}).content.decode()
    assert "新规划指标" in body and "主要农产品综合抽检合格率" not in body


def test_matrix_shows_on_time_late_missing_and_returned(
    client, period, report_a, report_market, users, fill, market_user
):
    fill(report_a, users["unit_a"])
    fill(report_market, market_user)
    report_submit(report=report_a, by=users["unit_a"])  # after the due date: late
    report_submit(report=report_market, by=market_user)
    report_return(report=report_market, by=users["office"], comment="请补充")
    client.force_login(users["office"])
    response = client.get(reverse("targets:matrix"))
    cells = {row["unit"].name: row["cells"][0]["key"] for row in response.context["rows"]}
    assert cells["市农业农村局"] == "late"
    assert cells["市市场监管局"] == "returned"
    assert set(cells.values()) == {"late", "returned", "missing"}
    filtered = client.get(reverse("targets:matrix"), {"status": "returned"}).context["rows"]
    assert [r["unit"].name for r in filtered] == ["市市场监管局"]


def test_target_page_shows_history_chart_and_the_reports_behind_each_value(
    client, report_a, users, fill, market_user
):
    fill(report_a, users["unit_a"], value="97")
    report_submit(report=report_a, by=users["unit_a"])
    report_accept(report=report_a, by=users["office"])
    target = report_a.target_lines.get(target__code="T04").target
    client.force_login(users["office"])
    response = client.get(reverse("targets:target_detail", args=[target.pk]))
    body = response.content.decode()
    assert 'data-chart-src="history-chart"' in body and "实际值" in body
    assert report_a.get_absolute_url() in body
    client.force_login(market_user)  # another unit sees the value but not a link to the report
    body = client.get(reverse("targets:target_detail", args=[target.pk])).content.decode()
    assert "97" in body and report_a.get_absolute_url() not in body


def test_unit_page_is_the_units_own_or_the_offices(client, report_a, users, market_user):
    url = reverse("targets:unit_detail", args=[report_a.unit_id])
    client.force_login(users["unit_a"])
    response = client.get(url)
    assert response.status_code == 200
    assert {r["target"].code for r in response.context["rows"]} == {"T04", "T16", "T20", "T21"}
    assert response.context["tally"]["missing"] == 1
    client.force_login(market_user)
    assert client.get(url).status_code == 404
    client.force_login(users["office"])
    assert client.get(url).status_code == 200
    client.force_login(users["enterprise_a"])
    assert client.get(url).status_code == 403


def test_period_page_is_a_league_table(client, period, report_a, users, fill):
    fill(report_a, users["unit_a"])
    report_submit(report=report_a, by=users["unit_a"])
    client.force_login(users["office"])
    response = client.get(reverse("targets:period_detail", args=[period.pk]))
    assert response.context["table"][0]["report"] == report_a
    assert "以首次提交时间为准" in response.content.decode()


def test_office_opens_a_period_from_the_page_twice_without_duplicates(client, policy, users, clock):
    client.force_login(users["office"])
    data = {"plan": policy.pk, "year": 2025, "half": 2}
    response = client.post(reverse("targets:period_open"), data, follow=True)
    assert "新建" in response.content.decode()
    count = Report.objects.count()
    response = client.post(reverse("targets:period_open"), data, follow=True)
    assert "没有需要新建的报告" in response.content.decode()
    assert Report.objects.count() == count


def test_open_period_form_refuses_bad_input(client, policy, users, clock):
    client.force_login(users["office"])
    url = reverse("targets:period_open")
    assert client.post(url, {"plan": policy.pk, "year": "abc", "half": 1}).status_code == 400
    history = reverse("targets:period_history")
    response = client.post(history, {"plan": policy.pk, "year": 2025, "half": 2})
    assert response.status_code == 400 and "已经结束的半年" in response.content.decode()
    response = client.post(url, {"plan": policy.pk, "year": 2021, "half": 1}, follow=True)
    assert "不在规划" in response.content.decode()
    assert not Report.objects.exists()


def test_units_with_targets_of_a_new_plan_see_it_through_the_switcher(client, users):
    plan = PlanFactory(code="jl-2026-2030", start_date=dt.date(2026, 1, 1), end_date=dt.date(2030, 12, 31))
    TargetOwnerFactory(
        target=TargetFactory(plan=plan, code="N01", name="新指标"), unit=users["unit_a"].member_unit
    )
    client.force_login(users["unit_a"])
    response = client.get(
        reverse("targets:unit_detail", args=[users["unit_a"].member_unit_id]), {"plan": plan.pk}
    )
    assert [r["target"].code for r in response.context["rows"]] == ["N01"]


@pytest.mark.parametrize("asked", ["999999", "abc", "1;drop", "", "１"])
def test_a_unit_page_asked_for_an_unknown_plan_shows_the_current_one(client, users, policy, asked):
    PlanFactory(code="jl-2026-2030", start_date=dt.date(2026, 1, 1), end_date=dt.date(2030, 12, 31))
    client.force_login(users["unit_a"])
    response = client.get(
        reverse("targets:unit_detail", args=[users["unit_a"].member_unit_id]), {"plan": asked}
    )
    assert response.status_code == 200
    assert response.context["plan"] == selectors.current_plan()
    assert f'<option value="{response.context["plan"].pk}" selected>' in response.content.decode()


def test_target_page_names_the_import_file_behind_a_value_and_links_it_for_the_office(
    client, policy, users, market_user
):
    """A value from an import shows its file (a link to the import for the office, the name alone for
    a unit), its note, the 补录 mark and who recorded it; a value without an origin shows no basis."""
    target = policy.targets.get(code="T04")
    batch = statistics_batch(policy, users["office"], "2025年统计<公报>.xlsx")
    common = {"target": target, "source": "市统计局", "origin": Statistic.Origin.IMPORT}
    Statistic.objects.create(
        **common,
        value=Decimal("12.50"),
        as_of=dt.date(2025, 6, 30),
        batch=batch,
        recorded_by=users["office"],
        note="年报修订",
        backfilled=True,
    )
    Statistic.objects.create(**common, value=Decimal("11"), as_of=dt.date(2025, 3, 31))
    url = reverse("targets:target_detail", args=[target.pk])
    file_url = reverse("targets:import_file", args=[batch.pk])
    client.force_login(users["office"])
    body = client.get(url).content.decode()
    assert f'<a href="{file_url}">2025年统计&lt;公报&gt;.xlsx</a>' in body
    assert '<div class="muted small">年报修订</div>' in body and "补录" in body
    assert f" · {users['office'].full_name or users['office'].username}</td>" in body
    assert '<td class="num">12.5 ' in body and '<td class="num">11 ' in body
    client.force_login(market_user)
    body = client.get(url).content.decode()
    assert file_url not in body and "<td>2025年统计&lt;公报&gt;.xlsx</td>" in body
