import datetime as dt
import io
import threading
import time
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from django.db import IntegrityError, connection
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from awards.tests.factories import ApplicationFactory, item
from core.models import StoredDocument
from meetings.tests.factories import work_plan_task
from notifications.models import Notification
from scheduler import services
from scheduler.halves import HalfYear
from scheduler.models import HalfYearReport
from targets.models import Report, Statistic
from targets.services import period_open

pytestmark = pytest.mark.django_db

H1 = HalfYear(2025, 1)
AFTER_DUE = dt.date(2025, 7, 16)  # 2025H1 is due on 15 July (30 June + 15 days)


@pytest.fixture
def period(policy):
    period, _ = period_open(plan=policy, year=2025, half=1)
    return period


@pytest.fixture
def data(period, users):
    """Some submitted reports, one late, and accepted values for two targets."""
    reports = list(period.reports.select_related("unit").order_by("unit__order", "unit_id"))
    on_time = timezone.make_aware(dt.datetime(2025, 7, 10, 9))
    late = timezone.make_aware(dt.datetime(2025, 7, 20, 9))
    Report.objects.filter(pk=reports[0].pk).update(
        status=Report.Status.SUBMITTED, first_submitted_at=on_time, submitted_at=on_time
    )
    Report.objects.filter(pk=reports[1].pk).update(
        status=Report.Status.SUBMITTED, first_submitted_at=late, submitted_at=late
    )
    targets = list(period.plan.targets.filter(active=True).order_by("order")[:2])
    for target, value in zip(targets, (Decimal(3), Decimal(1)), strict=True):
        Statistic.objects.create(
            target=target, value=value, as_of=dt.date(2025, 6, 30), source="测试", origin="import"
        )
    # a value from the next half year must not change this half's report
    Statistic.objects.create(
        target=targets[0], value=Decimal(99), as_of=dt.date(2025, 12, 31), source="测试", origin="import"
    )
    # two rewards paid in the half year, one after it
    ApplicationFactory(paid=True, paid_on=dt.date(2025, 4, 1))
    ApplicationFactory(paid=True, paid_on=dt.date(2025, 6, 30), reward_item=item("group_standard"))
    ApplicationFactory(paid=True, paid_on=dt.date(2025, 7, 1))
    # a work-plan follow-up item due in the half year, still open
    with time_machine.travel(dt.datetime(2025, 3, 3, 10, tzinfo=dt.UTC), tick=False):
        followup = work_plan_task(
            users["office"], lead=users["unit_a"].member_unit, deadline=dt.date(2025, 5, 30)
        )
    return {"reports": reports, "targets": targets, "followup": followup}


def test_the_report_is_built_stored_as_xlsx_and_docx_and_the_office_notified(data, users):
    report = services.half_year_report_build(half=H1, today=AFTER_DUE)
    assert report.key == "2025H1" and report.build_count == 1
    docs = StoredDocument.objects.filter(kind=StoredDocument.Kind.HALF_YEAR_REPORT, key="2025H1")
    assert docs.count() == 2
    assert {report.xlsx.file.name.rsplit(".", 1)[-1], report.docx.file.name.rsplit(".", 1)[-1]} == {
        "xlsx",
        "docx",
    }
    notified = set(
        Notification.objects.filter(occasion="half_year_report:2025H1:ready", channel="inapp").values_list(
            "recipient__username", flat=True
        )
    )
    assert notified == {"office1", "approver1", "approver2"}


def test_the_figures_show_rag_timeliness_as_at_the_end_of_the_half(data):
    figures = services.half_year_report_build(half=H1, today=AFTER_DUE).figures
    targets, league = figures["sections"][0], figures["sections"][1]
    first = next(r for r in targets["rows"] if r[0] == data["targets"][0].code)
    assert first[5] == "3"  # the value as at 30 June, not the later 99
    assert first[6] == "2025-06-30"
    assert sum(targets["counts"].values()) == len(targets["rows"])
    assert league["counts"]["on_time"] == 1 and league["counts"]["late"] == 1
    assert league["rows"][0][1] == data["reports"][0].unit.name  # on time ranks first
    assert league["counts"]["missing"] == len(league["rows"]) - 2


def test_the_figures_show_follow_up_closure_and_rewards_paid_in_the_half(data, users):
    figures = services.half_year_report_build(half=H1, today=AFTER_DUE).figures
    followups, rewards = figures["sections"][2], figures["sections"][3]
    assert followups["available"] and followups["counts"]["total"] == 1
    assert followups["counts"]["open"] == 1 and followups["counts"]["overdue"] == 1
    assert followups["rows"] == [[users["unit_a"].member_unit.name, "1", "0", "0", "1", "1"]]
    assert rewards["available"] and rewards["total_yuan"] == 200000 + 100000
    assert [row[0] for row in rewards["rows"]] == ["2025-04-01", "2025-06-30"]
    assert "合计 30.00 万元" in rewards["summary"] or "合计 30 万元" in rewards["summary"]


def test_rebuilding_gives_the_same_figures_and_replaces_the_files(data, django_capture_on_commit_callbacks):
    first = services.half_year_report_build(half=H1, today=AFTER_DUE)
    xlsx_id, docx_id, old_name = first.xlsx_id, first.docx_id, first.xlsx.file.name
    storage = first.xlsx.file.storage
    figures = first.figures
    with django_capture_on_commit_callbacks(execute=True):  # the old files are deleted on commit
        again = services.half_year_report_build(half=H1, today=AFTER_DUE + dt.timedelta(days=30))
    assert again.figures == figures
    assert again.build_count == 2 and HalfYearReport.objects.count() == 1
    assert (again.xlsx_id, again.docx_id) == (xlsx_id, docx_id)
    assert StoredDocument.objects.filter(key="2025H1").count() == 2
    assert again.xlsx.file.name != old_name and not storage.exists(old_name)
    # the office is notified of the first build only
    assert Notification.objects.filter(occasion__startswith="half_year_report:", channel="inapp").count() == 3


def test_the_xlsx_holds_the_same_numbers_as_the_figures(data):
    report = services.half_year_report_build(half=H1, today=AFTER_DUE)
    with report.xlsx.file.open("rb") as f:
        wb = load_workbook(io.BytesIO(f.read()))
    assert wb.sheetnames[0] == "概况"
    targets = report.figures["sections"][0]
    sheet = wb["目标指标完成进度"]
    assert [c.value for c in sheet[1]] == targets["headers"]
    assert sheet.max_row == len(targets["rows"]) + 1
    assert [_as_figure(c) for c in sheet[2]] == targets["rows"][0]
    headers = targets["headers"]
    cells = dict(zip(headers, sheet[2], strict=True))
    assert cells["目标值"].data_type == "n"  # typed cells (issue 19 point 2), not text


def _as_figure(cell) -> str:
    """A typed cell back in the text form the figures keep."""
    if cell.value is None:
        return ""
    if cell.is_date:
        return (
            cell.value.date().isoformat()
            if cell.number_format == "yyyy-mm-dd"
            else f"{cell.value:%Y-%m-%d %H:%M}"
        )
    if "%" in cell.number_format:
        return f"{cell.value * 100:.0f}%"
    return str(cell.value)


def test_the_docx_is_a_chinese_document_with_the_sections(data):
    report = services.half_year_report_build(half=H1, today=AFTER_DUE)
    with report.docx.file.open("rb") as f:
        doc = Document(io.BytesIO(f.read()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2025年上半年工作进度报告" in text
    assert "一、目标指标完成进度" in text and "二、成员单位报送及时性排名" in text
    assert len(doc.tables) >= 2


def test_reports_are_built_on_the_first_working_day_after_the_due_date(period, users):
    assert services.half_year_reports_due(today=dt.date(2025, 7, 15)) == {"workday": True, "built": []}
    assert services.half_year_reports_due(today=dt.date(2025, 7, 19)) == {"workday": False}  # Saturday
    assert services.half_year_reports_due(today=dt.date(2025, 7, 16))["built"] == ["2025H1"]
    assert services.half_year_reports_due(today=dt.date(2025, 7, 17))["built"] == []
    assert HalfYearReport.objects.get().build_count == 1


def test_backfilled_periods_are_not_built_automatically(policy):
    period_open(plan=policy, year=2023, half=1, backfilled=True)
    assert services.half_year_reports_due(today=dt.date(2025, 7, 16))["built"] == []


def test_a_build_racing_another_one_uses_the_row_the_other_created(data):
    # the other build committed its row after our lookup: our insert hits the unique key
    HalfYearReport.objects.create(key="2025H1", year=2025, half=1, title="x")
    conflict = IntegrityError("UNIQUE constraint failed: scheduler_halfyearreport.key")
    with mock.patch.object(HalfYearReport.objects, "get_or_create", side_effect=conflict):
        report = services.half_year_report_build(half=H1, today=AFTER_DUE)
    assert report.build_count == 1 and report.xlsx_id and report.docx_id
    assert HalfYearReport.objects.count() == 1
    assert StoredDocument.objects.filter(key="2025H1").count() == 2


def test_half_year_keys_parse_and_refuse_garbage():
    assert HalfYear.parse("2025h2") == HalfYear(2025, 2)
    assert HalfYear(2025, 1).previous == HalfYear(2024, 2) and HalfYear(2025, 2).next == HalfYear(2026, 1)
    for bad in ("2025H3", "25H1", "2025", "H1", "abcdH1"):
        with pytest.raises(ValueError):
            HalfYear.parse(bad)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_of_the_scheduled_job_build_the_report_once(require_postgres, data):
    built = []
    real = services.reports.workbook_bytes

    def slow_workbook(figures):  # the build takes long enough for the second run to arrive meanwhile
        built.append(threading.get_ident())
        time.sleep(1)
        return real(figures)

    results, errors = [], []
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(services.half_year_reports_due(today=AFTER_DUE))
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    with mock.patch.object(services.reports, "workbook_bytes", side_effect=slow_workbook):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    assert errors == []
    assert len(built) == 1  # the second run waited on the claim and built nothing
    assert sorted(r["built"] for r in results) == [[], ["2025H1"]]
    report = HalfYearReport.objects.get()
    assert report.build_count == 1
    assert StoredDocument.objects.filter(key="2025H1").count() == 2
    office = Notification.objects.filter(occasion="half_year_report:2025H1:ready", channel="inapp")
    assert office.count() == len(services.report_recipients())
