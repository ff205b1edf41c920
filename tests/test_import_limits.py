"""Issue 12 (2, 3): every xlsx import is bounded while it reads, and refuses control characters.

A file within the upload limit whose sheet holds 540,000 rows (its <dimension> removed) is refused
by each importer in well under a second and 50 MiB, with a Chinese message, and nothing is stored.
"""

import io
import re
import time
import tracemalloc
import zipfile

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from awards.models import Application
from awards.services import legacy_import_preview
from awards.services.legacy import COLUMNS as LEGACY_COLUMNS
from committee.models import Appointment
from committee.roster_io import COLUMNS as ROSTER_COLUMNS
from committee.roster_io import read_roster_workbook
from core.models import ImportBatch
from core.uploads import validate_upload
from targets.excel import STAT_HEADERS, TARGET_SHEET
from targets.models import Report, Statistic
from targets.services import period_open
from targets.services.imports import ImportRefused, statistics_import_preview
from tests.hostile_xlsx import swell

pytestmark = pytest.mark.django_db

REFUSED = "超过本导入的上限"


def _xlsx(headers, rows=()) -> bytes:
    wb = Workbook()
    wb.active.append(list(headers))
    for row in rows:
        wb.active.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _upload(data: bytes, name="导入.xlsx") -> SimpleUploadedFile:
    upload = SimpleUploadedFile(name, data)
    # within the upload limit and through both zip-bomb checks, as the file was
    assert validate_upload(upload, kinds=("xlsx",), max_bytes=settings.MAX_XLSX_BYTES) == "xlsx"
    return upload


def _refused_quickly(fn, exc_type=ValidationError):
    """``fn`` refuses within 1 s (timed without tracemalloc, which slows Python code several times)
    and 50 MiB of peak allocations (a second run, traced)."""
    errors = []

    def run():
        try:
            fn()
        except exc_type as exc:
            errors.append(exc)

    started = time.perf_counter()
    run()
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    try:
        run()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(errors) == 2, "the swollen file was not refused"
    assert REFUSED in str(errors[0])
    assert elapsed < 1.0
    assert peak < 50 * 1024 * 1024
    return errors[0]


# 540,000 rows inflate the sheet past the 20 MB a part may have; 300,000 stay under it and are
# refused by counting rows while reading
@pytest.mark.parametrize("rows", [540_000, 300_000])
def test_statistics_import_refuses_a_swollen_sheet_quickly_and_stores_nothing(policy, users, rows):
    upload = _upload(swell(_xlsx(STAT_HEADERS), rows=rows))
    before = (ImportBatch.objects.count(), Statistic.objects.count())
    _refused_quickly(
        lambda: statistics_import_preview(
            plan=policy, uploaded=upload, source="市统计局", by=users["office"]
        ),
        ImportRefused,
    )
    assert (ImportBatch.objects.count(), Statistic.objects.count()) == before


def test_legacy_rewards_import_refuses_540000_rows_quickly(policy):
    upload = _upload(swell(_xlsx([label for _key, label in LEGACY_COLUMNS])))
    before = Application.objects.count()
    _refused_quickly(lambda: legacy_import_preview(upload=upload))
    assert Application.objects.count() == before


def test_roster_import_refuses_540000_rows_quickly(policy):
    upload = _upload(swell(_xlsx(ROSTER_COLUMNS)))
    before = Appointment.objects.count()
    _refused_quickly(lambda: read_roster_workbook(upload))
    assert Appointment.objects.count() == before


@time_machine.travel("2025-09-01 10:00 +0800", tick=False)
def test_unit_template_with_540000_rows_is_refused_through_the_page_and_nothing_changes(
    client, policy, users
):
    period, _ = period_open(plan=policy, year=2025, half=1, by=users["office"])
    report = Report.objects.get(period=period, unit=users["unit_a"].member_unit)
    client.force_login(users["unit_a"])
    template = client.get(reverse("targets:report_template", args=[report.pk])).content
    data = swell(template, sheet=TARGET_SHEET)  # its signed _meta sheet kept
    assert len(data) <= settings.MAX_XLSX_BYTES
    before = (ImportBatch.objects.count(), report.target_lines.filter(value__isnull=False).count())
    started = time.perf_counter()
    response = client.post(
        reverse("targets:report_upload", args=[report.pk]), {"file": SimpleUploadedFile("模板.xlsx", data)}
    )
    assert time.perf_counter() - started < 2.0  # the whole request, upload parsing included
    assert REFUSED in response.content.decode()
    assert (ImportBatch.objects.count(), report.target_lines.filter(value__isnull=False).count()) == before


def test_a_row_numbered_far_down_is_refused_without_reading_the_empty_rows(policy):
    data = _xlsx(ROSTER_COLUMNS)

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = re.sub(rb"<dimension [^>]*/>", b"", body)
                body = body.replace(
                    b"</sheetData>", b'<row r="1048576"><c r="A1048576"><v>1</v></c></row></sheetData>'
                )
            dst.writestr(info, body)
    upload = _upload(out.getvalue())
    _refused_quickly(lambda: read_roster_workbook(upload))


def test_a_row_as_wide_as_the_sheet_is_refused(policy):
    upload = _upload(_xlsx(ROSTER_COLUMNS, [[f"x{i}" for i in range(3000)] for _ in range(3)]))
    _refused_quickly(lambda: read_roster_workbook(upload))


# C0 controls cannot be written into XML at all (a file holding one is refused as damaged); DEL and
# the C1 controls can, and break the exports later
@pytest.mark.parametrize("text", ["甲\x7f乙", "\x9b31m", "丙\x85"])
def test_imports_refuse_control_characters_with_the_row_number(policy, text):
    row = ["1", "委员", "市农业农村局", text, "张三", "2025-01-01"]
    with pytest.raises(ValidationError) as excinfo:
        read_roster_workbook(_upload(_xlsx(ROSTER_COLUMNS, [row])))
    message = str(excinfo.value)
    assert "控制字符" in message and "第 2 行" in message


def test_the_admins_import_export_xlsx_uses_the_bounded_reader(policy):
    from core.import_formats import XLSX

    dataset = XLSX().create_dataset(_xlsx(["指标编号", "数值"], [["T01", 5]]))
    assert dataset.headers == ["指标编号", "数值"] and list(dataset) == [("T01", 5)]
    data = swell(_xlsx(["指标编号", "数值"]), rows=300_000)
    _refused_quickly(lambda: XLSX().create_dataset(data))


def test_the_admin_import_page_offers_the_bounded_xlsx_and_refuses_a_swollen_file(client, users):
    client.force_login(users["admin"])
    page = client.get("/admin/targets/statistic/import/")
    assert page.status_code == 200 and "xlsx" in page.content.decode()
    formats = page.context["form"].fields["format"].choices
    xlsx_index = next(value for value, label in formats if "xlsx" in str(label).lower())
    data = swell(_xlsx(["指标编号", "数值"]), rows=300_000)
    response = client.post(
        "/admin/targets/statistic/import/",
        {"format": xlsx_index, "resource": "0", "import_file": SimpleUploadedFile("s.xlsx", data)},
    )
    assert response.status_code == 200
    assert "confirm" not in response.content.decode().lower() or not response.context.get("result")
    assert not Statistic.objects.exists()
