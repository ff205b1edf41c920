"""Excel both ways: the unit's template (download, fill, upload, preview, confirm), the office's
statistics import, the exports, and every kind of bad file."""

import datetime as dt
import io
import time
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.models import ImportBatch
from targets.excel import GOAL_SHEET, MEASURE_SHEET, META_SHEET, TARGET_SHEET
from targets.models import Report, ReportGoalLine, ReportTargetLine, Statistic
from targets.services import period_open

pytestmark = pytest.mark.django_db


def download_template(client, report) -> Workbook:
    response = client.get(reverse("targets:report_template", args=[report.pk]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def fill_template(wb, *, value=95, stat_date=dt.date(2025, 6, 30), note="", overrides=None):
    ws = wb[TARGET_SHEET]
    for row in ws.iter_rows(min_row=2):
        row[6].value = value
        row[7].value = stat_date
        row[8].value = "统计部门数据"
        row[9].value = note
        for col, val in (overrides or {}).get(row[0].value, {}).items():
            row[col].value = val
    ms = wb[MEASURE_SHEET]
    for row in ms.iter_rows(min_row=2):
        row[2].value = "已完成年度任务"
        row[4].value = "继续推进"
    return wb


def as_upload(wb, name="模板.xlsx") -> SimpleUploadedFile:
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="application/octet-stream")


def upload(client, report, file):
    return client.post(reverse("targets:report_upload", args=[report.pk]), {"file": file})


def values(report):
    return list(ReportTargetLine.objects.filter(report=report).order_by("id").values_list("value", flat=True))


# --- the template ---------------------------------------------------------------------------------


def test_template_has_chinese_headers_and_only_the_units_own_lines(client, report_a, users):
    client.force_login(users["unit_a"])
    wb = download_template(client, report_a)
    ws = wb[TARGET_SHEET]
    assert [c.value for c in ws[1]][:8] == [
        "指标编号",
        "指标名称",
        "填报口径",
        "计量单位",
        "目标值",
        "责任",
        "本期实际值",
        "统计日期",
    ]
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == ["T04", "T16", "T20", "T21"]
    assert [r[0] for r in wb[MEASURE_SHEET].iter_rows(min_row=2, values_only=True)] == [
        "二(一)2",
        "二(二)3",
        "二(三)1",
        "二(三)3",
    ]
    assert wb[META_SHEET].sheet_state == "hidden"
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert kinds == {"decimal", "date", "list"}


def test_office_may_download_a_units_template_but_another_unit_may_not(client, report_a, users, market_user):
    client.force_login(users["office"])
    assert client.get(reverse("targets:report_template", args=[report_a.pk])).status_code == 200
    client.force_login(market_user)
    assert client.get(reverse("targets:report_template", args=[report_a.pk])).status_code == 404


def test_filled_template_is_previewed_then_confirmed_as_a_draft_with_history(client, report_a, users):
    client.force_login(users["unit_a"])
    wb = fill_template(download_template(client, report_a), overrides={"T16": {6: 12}})
    response = upload(client, report_a, as_upload(wb))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("core:import_preview", args=[batch.pk])
    assert all(v is None for v in values(report_a))  # nothing written before confirmation
    page = client.get(response.url).content.decode()
    assert "确认导入" in page and "T16" in page
    response = client.post(reverse("targets:import_confirm", args=[batch.pk]))
    assert response.status_code == 302
    report_a.refresh_from_db()
    assert report_a.status == Report.Status.DRAFT
    t16 = report_a.target_lines.get(target__code="T16")
    assert t16.value == Decimal("12") and t16.source == "统计部门数据"
    assert t16.history.latest().history_user == users["unit_a"]
    assert report_a.measure_lines.filter(progress="已完成年度任务").count() == 4
    # a second confirmation of the same preview shows the first one's result and changes nothing
    versions = t16.history.count()
    response = client.post(reverse("targets:import_confirm", args=[batch.pk]), follow=True)
    assert "导入，未重复导入" in response.content.decode()
    assert t16.history.count() == versions


def test_template_has_a_line_per_qualitative_goal_and_importing_it_fills_the_reports_goal_lines(
    client, report_a, users
):
    goals = list(report_a.goal_lines.select_related("goal").order_by("goal__order", "goal_id"))
    assert goals  # the plan's qualitative goals are part of every unit's report
    client.force_login(users["unit_a"])
    wb = fill_template(download_template(client, report_a))
    gs = wb[GOAL_SHEET]
    assert [c.value for c in gs[1]] == ["目标编号", "政策条款", "定性目标", "工作情况"]
    rows = list(gs.iter_rows(min_row=2))
    assert [r[0].value for r in rows] == [line.goal.code for line in goals]
    assert rows[0][2].value == goals[0].goal.text
    rows[0][3].value = "培育“监利大米”区域公用品牌"
    upload(client, report_a, as_upload(wb))
    batch = ImportBatch.objects.get()
    assert (
        "培育“监利大米”区域公用品牌"
        in client.get(reverse("targets:import_preview", args=[batch.pk])).content.decode()
    )
    assert not ReportGoalLine.objects.filter(report=report_a).exclude(progress="").exists()  # not yet
    client.post(reverse("targets:import_confirm", args=[batch.pk]))
    filled = ReportGoalLine.objects.get(report=report_a, goal=goals[0].goal)
    assert filled.progress == "培育“监利大米”区域公用品牌"
    assert filled.history.latest().history_user == users["unit_a"]
    assert ReportGoalLine.objects.filter(report=report_a, progress="").count() == len(goals) - 1


def test_a_bad_goal_row_in_the_template_saves_nothing(client, report_a, users):
    client.force_login(users["unit_a"])
    wb = fill_template(download_template(client, report_a))
    gs = wb[GOAL_SHEET]
    gs.cell(row=2, column=4).value = "=HYPERLINK(1)"
    gs.append(["G99", "", "", "不存在的目标"])
    response = upload(client, report_a, as_upload(wb))
    body = response.content.decode()
    assert response.status_code == 400
    assert "目标编号“G99”不在本单位本期报告中" in body and "工作情况不能以 = + - @ 开头" in body
    assert not ImportBatch.objects.exists()
    assert not ReportGoalLine.objects.filter(report=report_a).exclude(progress="").exists()


def test_another_users_import_preview_is_404(client, report_a, users, market_user):
    client.force_login(users["unit_a"])
    upload(client, report_a, as_upload(fill_template(download_template(client, report_a))))
    batch = ImportBatch.objects.get()
    client.force_login(market_user)
    assert client.get(reverse("targets:import_preview", args=[batch.pk])).status_code == 404
    assert client.post(reverse("targets:import_confirm", args=[batch.pk])).status_code == 404
    assert all(v is None for v in values(report_a))


# --- bad templates: clear Chinese message, nothing saved ------------------------------------------


def assert_refused(response, message, report):
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert all(v is None for v in values(report))


def test_template_of_another_unit_is_refused(client, report_a, report_market, users, market_user):
    client.force_login(market_user)
    wb = fill_template(download_template(client, report_market))
    client.force_login(users["unit_a"])
    assert_refused(upload(client, report_a, as_upload(wb)), "属于其他单位", report_a)


def test_template_of_another_period_is_refused(client, report_a, users, policy):
    h2, _ = period_open(plan=policy, year=2025, half=2)
    other = h2.reports.get(unit=report_a.unit)
    client.force_login(users["unit_a"])
    wb = fill_template(download_template(client, other), stat_date=dt.date(2025, 6, 30))
    assert_refused(upload(client, report_a, as_upload(wb)), "属于其他期次", report_a)


def test_a_workbook_that_is_not_our_template_is_refused(client, report_a, users):
    client.force_login(users["unit_a"])
    wb = Workbook()
    wb.active.append(["指标编号", "本期实际值"])
    assert_refused(upload(client, report_a, as_upload(wb)), "不是本平台生成的报告模板", report_a)


def test_a_tampered_template_signature_is_refused(client, report_a, users):
    client.force_login(users["unit_a"])
    wb = fill_template(download_template(client, report_a))
    wb[META_SHEET]["A1"] = wb[META_SHEET]["A1"].value[:-2] + "xx"
    assert_refused(upload(client, report_a, as_upload(wb)), "校验信息已损坏", report_a)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"T04": {6: "九十五"}}, "不是数字"),
        ({"T04": {6: -1}}, "不能为负数"),
        ({"T04": {6: 100.5}}, "不能超过 100%"),
        ({"T04": {7: dt.date(2025, 7, 1)}}, "不在本期"),
        ({"T04": {9: '=HYPERLINK("http://x","点击")'}}, "疑似公式"),
        ({"T04": {6: "=SUM(90,5)"}}, "不是数字"),
        ({"T04": {0: "T99"}}, "不在本单位本期报告中"),
    ],
)
def test_bad_rows_are_listed_with_their_row_number_and_nothing_is_saved(
    client, report_a, users, overrides, message
):
    client.force_login(users["unit_a"])
    wb = fill_template(download_template(client, report_a), overrides=overrides)
    response = upload(client, report_a, as_upload(wb))
    assert_refused(response, message, report_a)
    errors = response.context["preview"].errors
    assert errors[0]["row"] == 2 and errors[0]["sheet"] == TARGET_SHEET


def test_a_file_that_is_not_really_xlsx_is_refused(client, report_a, users):
    client.force_login(users["unit_a"])
    fake = SimpleUploadedFile("模板.xlsx", "指标编号,本期实际值\nT04,95\n".encode(), content_type="text/csv")
    assert_refused(upload(client, report_a, fake), "不是允许的格式", report_a)


def test_a_zip_that_is_not_a_workbook_is_refused(client, report_a, users):
    client.force_login(users["unit_a"])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("readme.txt", "hello")
    fake = SimpleUploadedFile("模板.xlsx", buf.getvalue())
    assert_refused(upload(client, report_a, fake), "不是有效的 Excel", report_a)


def test_an_oversized_file_is_refused(client, report_a, users, settings):
    settings.MAX_XLSX_BYTES = 10_000
    client.force_login(users["unit_a"])
    wb = fill_template(download_template(client, report_a), note="很长的说明" * 2000)
    assert_refused(upload(client, report_a, as_upload(wb)), "超过上限", report_a)


def test_a_zip_bomb_disguised_as_xlsx_is_refused_quickly(client, report_a, users):
    client.force_login(users["unit_a"])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as entry:
            chunk = b"\0" * (1 << 20)
            for _ in range(120):  # 120 MB once expanded (limit 100 MB), about 120 KB on disk
                entry.write(chunk)
    bomb = SimpleUploadedFile("模板.xlsx", buf.getvalue())
    assert bomb.size < 1_000_000
    started = time.perf_counter()
    response = upload(client, report_a, bomb)
    assert time.perf_counter() - started < 2
    assert_refused(response, "压缩炸弹", report_a)


def test_upload_to_an_accepted_report_is_refused(client, report_a, users, fill):
    from targets.services import report_accept, report_submit

    fill(report_a, users["unit_a"])
    report_submit(report=report_a, by=users["unit_a"])
    report_accept(report=report_a, by=users["office"])
    client.force_login(users["unit_a"])
    wb = fill_template(download_template(client, report_a), value=1)
    response = upload(client, report_a, as_upload(wb))
    assert response.status_code == 302
    assert not ImportBatch.objects.exists()
    assert report_a.target_lines.get(target__code="T04").value == Decimal("50")


# --- the office's statistics import ---------------------------------------------------------------


def stats_file(rows, headers=("指标编号", "数值", "统计日期", "数据来源", "备注")):
    wb = Workbook()
    ws = wb.active
    ws.title = "统计数据"
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    return as_upload(wb, "2025年统计公报.xlsx")


def post_stats(client, policy, file, source="市统计局2025年统计公报"):
    return client.post(
        reverse("targets:statistics_import"), {"plan": policy.pk, "source": source, "file": file}
    )


def test_office_imports_official_statistics_with_provenance(client, policy, users, clock):
    client.force_login(users["office"])
    file = stats_file(
        [("T17", 11800, dt.date(2025, 6, 30), "", "商标局数据"), ("T25", "160", "2025-06-30", "认监委", "")]
    )
    response = post_stats(client, policy, file)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.status == ImportBatch.Status.PREVIEW
    assert not Statistic.objects.exists()
    client.post(reverse("targets:import_confirm", args=[batch.pk]))
    t17 = Statistic.objects.get(target__code="T17")
    assert (t17.value, t17.source, t17.batch, t17.origin) == (
        Decimal("11800"),
        "市统计局2025年统计公报",
        batch,
        Statistic.Origin.IMPORT,
    )
    assert Statistic.objects.get(target__code="T25").source == "认监委"
    assert Statistic.history.filter(history_user=users["office"]).count() == 2
    kept = client.get(reverse("targets:import_file", args=[batch.pk]))
    assert kept.status_code == 200 and b"".join(kept.streaming_content).startswith(b"PK")


def test_each_imported_statistic_gets_one_creation_history_row_with_its_values(client, policy, users, clock):
    client.force_login(users["office"])
    post_stats(client, policy, stats_file([("T17", 11800, dt.date(2025, 6, 30), "", "商标局数据")]))
    client.post(reverse("targets:import_confirm", args=[ImportBatch.objects.get().pk]))
    first = Statistic.objects.get()
    post_stats(
        client,
        policy,
        stats_file(
            [("T17", 12000, dt.date(2025, 7, 31), "", ""), ("T25", "160", "2025-06-30", "认监委", "")]
        ),
    )
    second = ImportBatch.objects.get(status=ImportBatch.Status.PREVIEW)
    client.post(reverse("targets:import_confirm", args=[second.pk]))
    assert Statistic.objects.count() == 3
    fields = [f.attname for f in Statistic._meta.concrete_fields]
    for stat in Statistic.objects.all():
        (row,) = Statistic.history.filter(id=stat.pk)  # one row each: the earlier batch got no second one
        assert (row.history_type, row.history_user, row.history_date) == (
            "+",
            users["office"],
            stat.recorded_at,
        )
        assert {f: getattr(row, f) for f in fields} == {f: getattr(stat, f) for f in fields}
    assert Statistic.history.filter(id=first.pk).get().note == "商标局数据"
    assert Statistic.objects.get(target__code="T25").history.get().source == "认监委"


def test_bulk_insert_fills_defaults_and_refuses_a_field_the_model_lacks(policy, users):
    from core.history import bulk_insert, record_created

    target = policy.targets.get(code="T17")
    with pytest.raises(ValueError, match="no field colour"):
        bulk_insert(Statistic, [{"target_id": target.pk, "value": 1}], colour="red")
    assert not Statistic.objects.exists()
    rows = [{"target_id": target.pk, "value": Decimal("1.5"), "as_of": dt.date(2025, 6, d)} for d in (1, 2)]
    assert bulk_insert(Statistic, rows, source="市统计局", origin=Statistic.Origin.IMPORT) == 2
    stats = list(Statistic.objects.order_by("as_of"))
    assert [(s.value, s.source, s.note, s.backfilled, s.unit_id, s.batch_id) for s in stats] == [
        (Decimal("1.50"), "市统计局", "", False, None, None)
    ] * 2
    assert record_created(Statistic.objects.filter(pk=stats[0].pk), user=users["office"]) == 1
    assert Statistic.history.get().id == stats[0].pk and not stats[1].history.exists()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("T99", 1, dt.date(2025, 6, 30), "", ""), "不是"),
        (("T17", "很多", dt.date(2025, 6, 30), "", ""), "不是数字"),
        (("T17", -5, dt.date(2025, 6, 30), "", ""), "不能为负数"),
        (("T04", 120, dt.date(2025, 6, 30), "", ""), "不能超过 100%"),
        (("T17", 1, dt.date(2021, 6, 30), "", ""), "不在规划期内"),
        (("T17", 1, "明年", "", ""), "不是有效日期"),
        (("T17", 1, dt.date(2025, 6, 30), "@SUM(A1)", ""), "疑似公式"),
        (("T17", "", dt.date(2025, 6, 30), "", ""), "数值不能为空"),
    ],
)
def test_bad_statistics_rows_are_refused_and_nothing_is_saved(client, policy, users, clock, row, message):
    client.force_login(users["office"])
    response = post_stats(client, policy, stats_file([("T25", 160, dt.date(2025, 6, 30), "", ""), row]))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["preview"].errors[0]["row"] == 3
    assert not ImportBatch.objects.exists() and not Statistic.objects.exists()


def test_statistics_file_missing_a_column_is_refused(client, policy, users, clock):
    client.force_login(users["office"])
    response = post_stats(client, policy, stats_file([("T17", 1)], headers=("指标编号", "数值")))
    assert response.status_code == 400 and "缺少列：统计日期" in response.content.decode()


def test_member_units_and_enterprises_cannot_import_statistics(client, users):
    for name in ("unit_a", "enterprise_a"):
        client.force_login(users[name])
        assert client.get(reverse("targets:statistics_import")).status_code == 403


# --- exports ------------------------------------------------------------------------------------


def test_dashboard_export_escapes_formula_looking_text(client, policy, users, clock):
    Statistic.objects.create(
        target=policy.targets.get(code="T17"),
        value=1,
        as_of=dt.date(2025, 6, 30),
        source="=cmd|' /C calc'!A0",
        origin="import",
    )
    client.force_login(users["office"])
    response = client.get(reverse("targets:dashboard_export"), {"plan": policy.pk})
    wb = load_workbook(io.BytesIO(response.content))
    sources = [row[11] for row in wb["指标进度"].iter_rows(min_row=2, values_only=True)]
    assert "'=cmd|' /C calc'!A0" in sources
    assert "报送情况" in wb.sheetnames


def test_period_export_lists_every_report_and_line(client, period, report_a, users, fill):
    fill(report_a, users["unit_a"])
    client.force_login(users["office"])
    response = client.get(reverse("targets:period_export", args=[period.pk]))
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["报告状态", "指标填报", "措施进展"]
    assert wb["报告状态"].max_row == period.reports.count() + 1
    lines = list(wb["指标填报"].iter_rows(min_row=2, values_only=True))
    assert ("市农业农村局", "草稿", "T04") in {r[:3] for r in lines}
    assert ("市市场监管局", "未开始", "T04") in {r[:3] for r in lines}
    client.force_login(users["unit_a"])
    assert client.get(reverse("targets:period_export", args=[period.pk])).status_code == 403


def test_office_backfills_a_past_report_from_a_filled_template(client, policy, users, clock):
    period, _ = period_open(plan=policy, year=2023, half=2, backfilled=True)
    report = period.reports.get(unit=users["unit_a"].member_unit)
    client.force_login(users["office"])
    wb = fill_template(download_template(client, report), value=93, stat_date=dt.date(2023, 12, 31))
    response = upload(client, report, as_upload(wb))
    assert response.status_code == 302
    response = client.post(
        reverse("targets:import_confirm", args=[ImportBatch.objects.get().pk]), follow=True
    )
    assert "补录并采纳" in response.content.decode()
    assert report.target_lines.get(target__code="T04").value == Decimal("93")
    assert not Statistic.objects.exists()  # not yet accepted
    client.force_login(users["unit_a"])  # the unit may not import into a backfilled period
    response = upload(client, report, as_upload(wb))
    assert response.status_code == 302 and ImportBatch.objects.count() == 1


def test_statistics_imported_as_backfill_are_marked(client, policy, users, clock):
    client.force_login(users["office"])
    file = stats_file([("T17", 9000, dt.date(2022, 12, 31), "", "")])
    client.post(
        reverse("targets:statistics_import"),
        {"plan": policy.pk, "source": "2022年统计公报", "backfilled": "on", "file": file},
    )
    client.post(reverse("targets:import_confirm", args=[ImportBatch.objects.get().pk]))
    assert Statistic.objects.get(target__code="T17").backfilled


def test_a_discarded_preview_cannot_be_confirmed(client, report_a, users):
    client.force_login(users["unit_a"])
    upload(client, report_a, as_upload(fill_template(download_template(client, report_a))))
    batch = ImportBatch.objects.get()
    client.post(reverse("targets:import_discard", args=[batch.pk]))
    response = client.post(reverse("targets:import_confirm", args=[batch.pk]), follow=True)
    assert "已处理" in response.content.decode()
    assert all(v is None for v in values(report_a))


def test_a_second_click_on_confirm_shows_the_result_and_imports_nothing_again(client, policy, users, clock):
    client.force_login(users["office"])
    post_stats(client, policy, stats_file([("T17", 11800, dt.date(2025, 6, 30), "", "")]))
    batch = ImportBatch.objects.get()
    client.post(reverse("targets:import_confirm", args=[batch.pk]))
    second = client.post(reverse("targets:import_confirm", args=[batch.pk]), follow=True)
    assert second.status_code == 200
    assert "导入，未重复导入" in second.content.decode()
    assert Statistic.objects.filter(target__code="T17").count() == 1
    assert Statistic.history.count() == 1


def test_statistics_import_from_the_history_path_has_the_shared_header_and_marks_data_past(
    client, users, policy
):
    client.force_login(users["office"])
    page = client.get(reverse("targets:statistics_import"), {"history": "1"})
    body = page.content.decode()
    assert "历史补录：往期进度报告（批量导入）" in body and 'href="/targets/periods/history/"' in body
    assert page.context["form"]["backfilled"].value() is True
    plain = client.get(reverse("targets:statistics_import"))
    assert "历史补录" not in plain.content.decode() and not plain.context["form"]["backfilled"].value()
