"""Journeys of issue 16: carry-over → one continuous chart; 终期评估 → sign-off; assessment →
publication → the unit's own view."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from assessment.models import AssessmentResult
from targets.models import Plan, Report, Statistic
from targets.services import period_open

pytestmark = pytest.mark.django_db(transaction=True)

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def test_carry_over_then_one_chart_across_plans(page, policy, users, login, shot):
    stock = policy.targets.filter(kind="at_least").order_by("order").first()
    for as_of, value in ((dt.date(2023, 12, 31), 2), (dt.date(2025, 12, 31), 6)):
        Statistic.objects.create(
            target=stock, value=Decimal(value), as_of=as_of, source="统计", origin="import"
        )
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=SHANGHAI), tick=True):
        login(page, users["office"])
        warning = page.inner_text("#no-plan-warning")  # told on the workbench
        assert "2026年下半年" in warning and "没有规划覆盖" in warning
        shot(page, "01-workbench-no-plan")
        page.goto(f"/targets/plans/{policy.pk}/")
        page.get_by_role("link", name="接续新建下一规划").click()
        page.wait_for_url(re.compile(r".*/carry-over/$"))
        page.fill("#id_code", "jl-2026-2030")
        page.fill("#id_name", "监利市质量品牌提升行动实施意见（2026—2030年）")
        page.fill("#id_end_date", "2030-12-31")
        row = page.locator("#carry-table tbody tr", has_text=stock.name).first
        row.locator("input[name$='-target_value']").fill("15")
        shot(page, "02-carry-over-table")
        page.get_by_role("button", name="创建新规划并接续指标").click()
        page.wait_for_url(re.compile(r".*/targets/plans/\d+/$"))
        assert "接续指标" in page.inner_text(".messages")
        plan = Plan.objects.get(code="jl-2026-2030")
        copied = plan.targets.get(predecessor=stock)
        assert copied.target_value == 15 and copied.owners.count() == stock.owners.count()
        Statistic.objects.create(
            target=copied, value=Decimal(8), as_of=dt.date(2026, 6, 30), source="统计", origin="import"
        )
        page.goto(copied.get_absolute_url())
        page.wait_for_selector(".chart svg")
        assert "新规划" in page.inner_text(".chart")  # the plan boundary marked on the one series
        assert "接续关系" in page.inner_text("main")
        shot(page, "03-continuous-chart")
        page.goto(f"/targets/?plan={plan.pk}")
        assert stock.name in page.inner_text("main")
        shot(page, "04-dashboard-new-plan")


def test_final_evaluation_saved_once_and_signed_off(page, policy, users, login, logout, shot):
    page.on("dialog", lambda dialog: dialog.accept())
    with time_machine.travel(dt.datetime(2026, 1, 12, 9, tzinfo=SHANGHAI), tick=True):
        login(page, users["office"])
        page.goto(f"/targets/plans/{policy.pk}/evaluation/")
        page.fill("#id_overview", "规划期内质量品牌提升行动总体完成。")
        for section in page.locator("section.evaluation-line").all():
            if section.locator("select").input_value() != "achieved":
                section.locator("textarea").fill("数据口径未统一，无法评估")
        for select in page.locator("section[id^=g] select").all():
            select.select_option("achieved")
        shot(page, "01-evaluation-form")
        page.get_by_role("button", name="保存终期评估").click()
        page.wait_for_load_state()
        assert "已保存终期评估" in page.inner_text(".messages")
        logout(page)
        login(page, users["approver"])
        page.goto(f"/targets/plans/{policy.pk}/evaluation/")
        page.get_by_role("button", name="签发").click()
        page.wait_for_selector("#signed-badge")
        assert "内容已冻结" in page.inner_text(".page-header")
        assert page.locator("#save-evaluation").count() == 0
        assert page.locator("#id_overview").is_disabled()
        shot(page, "02-signed-off")


def test_assessment_published_and_seen_by_the_unit(page, policy, users, login, logout, shot):
    page.on("dialog", lambda dialog: dialog.accept())
    period, _ = period_open(plan=policy, year=2025, half=1)
    unit = users["unit_a"].member_unit
    late = timezone.make_aware(dt.datetime(2025, 7, 25, 9))
    Report.objects.filter(period=period, unit=unit).update(
        status=Report.Status.ACCEPTED, first_submitted_at=late, submitted_at=late
    )
    with time_machine.travel(dt.datetime(2026, 1, 20, 9, tzinfo=SHANGHAI), tick=True):
        login(page, users["office"])
        page.goto("/assessment/2025/")
        page.get_by_role("button", name="保存考核方案").click()
        page.wait_for_load_state()
        assert "已保存2025年度考核方案" in page.inner_text(".messages")
        shot(page, "01-scheme-and-scores")
        logout(page)
        login(page, users["approver"])
        page.goto("/assessment/2025/")
        page.get_by_role("button", name="发布考核结果").click()
        page.wait_for_load_state()
        assert "已发布2025年度考核结果" in page.inner_text(".messages")
        logout(page)
        login(page, users["unit_a"])
        page.get_by_role("link", name="本单位考核结果").click()
        page.wait_for_url(re.compile(r".*/assessment/mine/$"))
        mine = AssessmentResult.objects.get(unit=unit)
        text = page.inner_text("main")
        assert f"{mine.score} 分，第 {mine.rank} 名" in text and "逾期 10 天" in text
        shot(page, "02-unit-sees-own-result")
