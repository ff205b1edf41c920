"""An xlsx whose sheet XML is damaged further in: every import refuses it in Chinese, nothing stored."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from awards.models import Application
from awards.services.legacy import COLUMNS as LEGACY_COLUMNS
from awards.services.legacy import legacy_import_preview
from committee.roster_io import read_roster_workbook
from core.models import ImportBatch
from core.uploads import SheetLimits, open_workbook, sheet_rows
from targets.models import Statistic
from targets.services.imports import ImportRefused, statistics_import_preview

pytestmark = pytest.mark.django_db


def _damaged_xlsx(headers: list[str], rows: int = 300) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for n in range(rows):
        ws.append([f"v{n}" for _ in headers])
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) * 2 // 3] + b"<c r=<<broken"  # malformed well after the header row
            dst.writestr(info, data)
    return SimpleUploadedFile("数据.xlsx", out.getvalue())


def test_a_parse_error_further_in_becomes_a_chinese_validation_error():
    upload = _damaged_xlsx(["a", "b"])
    with pytest.raises(ValidationError, match="文件可能已损坏"):
        list(sheet_rows(open_workbook(upload, limits=SheetLimits(rows=1000, columns=5)).worksheets[0]))


def test_statistics_import_refuses_a_damaged_file_and_stores_nothing(policy, users):
    before = (ImportBatch.objects.count(), Statistic.objects.count())
    with pytest.raises(ImportRefused, match="损坏"):
        statistics_import_preview(
            plan=policy,
            uploaded=_damaged_xlsx(["指标编号", "数值", "统计日期"]),
            source="统计公报",
            by=users["office"],
        )
    assert (ImportBatch.objects.count(), Statistic.objects.count()) == before


def test_legacy_reward_import_refuses_a_damaged_file(policy):
    before = Application.objects.count()
    with pytest.raises(ValidationError, match="损坏"):
        legacy_import_preview(upload=_damaged_xlsx([label for _key, label in LEGACY_COLUMNS]))
    assert Application.objects.count() == before


def test_roster_import_refuses_a_damaged_file(policy):
    with pytest.raises(ValidationError, match="损坏"):
        read_roster_workbook(_damaged_xlsx(["排序", "职务", "单位", "职务名称", "姓名", "任职起始日"]))
