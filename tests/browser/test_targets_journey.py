"""Journey: the office opens a period; a member unit downloads its template, fills it in Excel,
uploads it, completes and submits the report; the office returns it, accepts another unit's report,
accepts the corrected one, and sees the dashboard move."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from committee.models import MemberUnit
from targets.models import Report, Statistic
from targets.services import LineInput, MeasureInput, ReportInput, report_save, report_submit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def dashboard_cell(page, code: str) -> str:
    return page.locator("table.dashboard-table tr", has_text=code).first.inner_text()


def fill_market_report(report, user):
    data = ReportInput(summary="市场监管局上半年工作总体顺利")
    for line in report.target_lines.select_related("target"):
        value = Decimal("98.5") if line.target.is_rate else Decimal(3)
        data.lines[line.target_id] = LineInput(
            value=value, stat_date=dt.date(2025, 12, 31), source="统计部门数据"
        )
    for line in report.measure_lines.all():
        data.measures[line.measure_id] = MeasureInput(progress="按计划推进")
    report_save(report=report, by=user, data=data)
    report_submit(report=report, by=user)


def test_unit_reports_by_template_and_form_office_reviews_and_dashboard_moves(
    page, policy, users, login, logout, shot, tmp_path
):
    page.on("dialog", lambda dialog: dialog.accept())
    office, unit_user = users["office"], users["unit_a"]
    market_user = UserFactory(
        role="unit", member_unit=MemberUnit.objects.get(name="市市场监管局"), username="market"
    )

    # --- the office opens 2025年下半年 --------------------------------------------------------------
    login(page, office)
    page.goto("/targets/periods/")
    page.select_option("#id_plan", str(policy.pk))
    page.fill("#id_year", "2025")
    page.select_option("#id_half", "2")
    # the default due date (15 January) has passed: the office sets a new one (issue 16 point 2)
    page.fill("#id_due_date", (timezone.localdate() + dt.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="开放期次").click()
    page.wait_for_url(re.compile(r".*/targets/periods/\d+/$"))
    assert "新建" in page.inner_text(".messages")
    shot(page, "01-office-period-opened")
    logout(page)

    # --- the member unit: template down, filled in "Excel", up, preview, confirm ------------------------
    login(page, unit_user)
    assert "本单位半年进度报告" in page.inner_text("main")  # the workbench panel lists the open report
    shot(page, "02-unit-workbench")
    page.get_by_role("link", name="本单位进度报告").click()
    page.get_by_role("link", name="填报").first.click()
    page.wait_for_url(re.compile(r".*/targets/reports/\d+/$"))
    report_url = page.url
    shot(page, "02b-unit-report-empty")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载填报模板").click()
    template = tmp_path / "template.xlsx"
    download_info.value.save_as(template)
    wb = load_workbook(template)
    ws = wb["指标填报"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "T04":
            row[6].value, row[7].value, row[8].value = 96.5, dt.date(2025, 12, 31), "统计部门数据"
        if row[0].value == "T16":
            row[6].value, row[7].value, row[8].value = 41, dt.date(2025, 12, 31), "业务主管部门台账"
    for row in wb["措施进展"].iter_rows(min_row=2):
        row[2].value = "下半年完成农产品抽检 1200 批次"
    buf = io.BytesIO()
    wb.save(buf)
    filled = tmp_path / "已填写.xlsx"
    filled.write_bytes(buf.getvalue())
    page.get_by_role("link", name="上传填好的模板").click()
    page.set_input_files("input[type=file]", str(filled))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_url(re.compile(r".*/imports/\d+/$"))
    assert "检查无误" in page.inner_text("main")
    shot(page, "03-unit-template-preview")
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url(report_url)
    assert page.input_value("input[name$='_value'] >> nth=0") == "96.5"
    shot(page, "04-unit-report-from-template")

    # bad input in the form: a rate above 100 is refused with a Chinese message, nothing saved
    page.fill("input[name$='_value'] >> nth=0", "120")
    page.get_by_role("button", name="保存草稿").click()
    assert "不能超过 100%" in page.inner_text("main")
    shot(page, "05-unit-report-error")
    page.goto(report_url)
    assert page.input_value("input[name$='_value'] >> nth=0") == "96.5"
    page.get_by_role("button", name="提交报告").click()
    page.wait_for_url(report_url)
    assert "报告已提交" in page.inner_text(".messages")
    assert page.inner_text("#report-status") == "已提交"
    shot(page, "06-unit-report-submitted")
    logout(page)

    # another unit submits its report (prepared directly)
    market_report = Report.objects.get(period__year=2025, period__half=2, unit=market_user.member_unit)
    fill_market_report(market_report, market_user)

    # --- the office: matrix, return one report, accept another, dashboard moves ------------------------
    login(page, office)
    assert "待审核报告" in page.inner_text("main")
    shot(page, "06b-office-workbench")
    page.goto("/targets/")
    assert "96.5" not in dashboard_cell(page, "T04")  # a submitted report does not move the dashboard
    page.goto("/targets/matrix/")
    shot(page, "07-office-matrix")
    page.goto(report_url)
    page.fill("#id_comment", "T16 请附“二品一标”认证清单")
    page.get_by_role("button", name="退回修改").click()
    page.wait_for_url(report_url)
    assert page.inner_text("#report-status") == "退回"
    page.goto(market_report.get_absolute_url())
    shot(page, "08-office-review")
    page.get_by_role("button", name="采纳").click()
    page.wait_for_url(re.compile(r".*/targets/reports/\d+/$"))
    assert "看板已更新" in page.inner_text(".messages")
    page.goto("/targets/")
    assert "98.5" in dashboard_cell(page, "T05")
    shot(page, "09-office-dashboard-after-accept")
    logout(page)

    # --- the unit corrects and resubmits; the office accepts; T04 moves ------------------------------
    login(page, unit_user)
    page.goto(report_url)
    assert "请附“二品一标”认证清单" in page.inner_text("#return-comment")
    page.locator("textarea[name$='_note'] >> nth=1").fill("认证清单已上传")
    page.set_input_files(
        "input[name$='_evidence'] >> nth=1",
        files=[{"name": "认证清单.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%journey\n"}],
    )
    page.get_by_role("button", name="提交报告").click()
    page.wait_for_url(report_url)
    assert page.inner_text("#report-status") == "已提交"
    page.goto("/targets/")
    assert "只读" in page.inner_text(".notice")
    shot(page, "10-unit-dashboard-read-only")
    logout(page)

    login(page, office)
    page.goto(report_url)
    page.get_by_role("button", name="采纳").click()
    page.wait_for_url(report_url)
    assert Statistic.objects.filter(target__code="T04", value=Decimal("96.5")).exists()
    page.goto("/targets/")
    assert "96.5" in dashboard_cell(page, "T04")
    shot(page, "11-office-dashboard-moved")
    page.locator("table.dashboard-table a", has_text="主要农产品综合抽检合格率").click()
    page.wait_for_url(re.compile(r".*/targets/items/\d+/$"))
    page.wait_for_selector(".chart svg")
    assert page.locator("td", has_text="市农业农村局 2025年下半年报告").count() >= 1
    shot(page, "12-target-history")
    page.goto(f"/targets/units/{unit_user.member_unit_id}/")
    shot(page, "13-unit-page")
    page.goto(report_url.replace("/reports/", "/reports/") + "history/")
    assert "认证清单已上传" in page.inner_text("main")
    shot(page, "14-report-history")


def test_office_backfills_evaluates_the_old_plan_and_creates_the_next_one(
    page, policy, users, login, shot, tmp_path
):
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, users["office"])

    # backfill 2024年下半年 of the 2022–2025 plan from the old spreadsheets
    page.goto("/targets/periods/history/")
    page.select_option("#id_plan", str(policy.pk))
    page.fill("#id_year", "2024")
    page.select_option("#id_half", "2")
    page.get_by_role("button", name="开放补录期次").click()
    page.wait_for_url(re.compile(r".*/targets/periods/\d+/$"))
    page.locator("tr", has_text="市农业农村局").get_by_role("link", name="补录").click()
    for i in range(page.locator("input[name$='_value']").count()):
        page.locator("input[name$='_value']").nth(i).fill("97")
        page.locator("input[name$='_stat_date']").nth(i).fill("2024-12-31")
        page.locator("input[name$='_source']").nth(i).fill("2024年工作台账")
    shot(page, "20-office-backfill-form")
    page.get_by_role("button", name="补录并采纳").click()
    assert "已补录并采纳" in page.inner_text(".messages")
    assert Statistic.objects.filter(target__code="T04", backfilled=True).exists()

    # final evaluation of the 2022–2025 plan, exported as xlsx and docx
    page.goto(f"/targets/plans/{policy.pk}/evaluation/")
    # one form, one 保存: every verdict other than 已完成 carries its reason
    page.fill("#id_overview", "2022—2025 年规划总体推进，部分指标未完成。")
    for section in page.locator("section.evaluation-line").all():
        if section.locator("select").input_value() != "achieved":
            section.locator("textarea").fill("数据不全，无法评估")
    t04 = page.locator("section.evaluation-line", has_text="主要农产品综合抽检合格率")
    t04.locator("select").select_option("not_achieved")
    t04.locator("textarea").fill("2024年末 97%，低于 98% 目标")
    page.get_by_role("button", name="保存终期评估").click()
    page.wait_for_load_state()
    assert "已保存终期评估" in page.inner_text(".messages")
    shot(page, "21-final-evaluation")
    with page.expect_download() as xlsx:
        page.get_by_role("link", name="导出 Excel").click()
    xlsx.value.save_as(tmp_path / "evaluation.xlsx")
    rows = {
        r[0]: r
        for r in load_workbook(tmp_path / "evaluation.xlsx").active.iter_rows(min_row=2, values_only=True)
    }
    assert rows["T04"][7] == "未完成"
    with page.expect_download() as docx:
        page.get_by_role("link", name="导出 Word").click()
    assert docx.value.suggested_filename.endswith(".docx")

    # the next plan, with its own target, without touching code
    page.goto("/targets/plans/new/")
    page.fill("#id_code", "jl-2026-2030")
    page.fill("#id_name", "监利市质量强市建设规划（2026—2030年）")
    page.fill("#id_start_date", "2026-01-01")
    page.fill("#id_end_date", "2030-12-31")
    page.check("#id_is_current")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r".*/targets/plans/\d+/$"))
    page.get_by_role("link", name="新增指标").click()
    page.fill("#id_code", "N01")
    page.select_option("#id_category", "quality")
    page.select_option("#id_kind", "at_least")
    page.fill("#id_name", "开展质量提升行动的规上企业数")
    page.fill("#id_measure_unit", "家")
    page.fill("#id_target_value", "150")
    page.select_option("#id_lead_units", label="市市场监管局")
    shot(page, "22-new-target-form")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r".*/targets/plans/\d+/$"))
    shot(page, "23-new-plan")
    page.goto("/targets/")
    assert "开展质量提升行动的规上企业数" in page.inner_text("main")  # the new current plan by default
    shot(page, "24-dashboard-new-plan")
    page.select_option("#id_plan", str(policy.pk))
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state()
    assert "主要农产品综合抽检合格率" in page.inner_text("main")
