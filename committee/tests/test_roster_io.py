import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from committee.models import Appointment, Seat
from committee.roster_io import read_roster_workbook
from committee.selectors import current_roster
from core.errors import ServiceError
from core.models import ImportBatch

from .factories import roster_xlsx, seat

pytestmark = pytest.mark.django_db


def _export_rows(client):
    response = client.get(reverse("committee:roster_export_xlsx"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    return [list(r) for r in wb.active.iter_rows(values_only=True)]


def _snapshot():
    return sorted(Appointment.objects.values_list("seat_id", "person_name", "start_date", "end_date"))


def test_export_lists_the_current_roster_in_annex_1_order(client, users):
    client.force_login(users["unit_a"])
    rows = _export_rows(client)
    assert rows[0] == ["排序", "职务", "单位", "职务名称", "姓名", "任职起始日"]
    assert rows[1][1:5] == ["主任", "市人民政府", "市长", "聂良平"]
    assert len(rows) - 1 == Seat.objects.filter(active=True).count()


def test_docx_export_mirrors_annex_1(client, users):
    client.force_login(users["office"])
    response = client.get(reverse("committee:roster_export_docx"))
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "监利市质量强市及品牌建设工作委员会名单" in text
    assert "主任：聂良平 市长" in text
    assert "成员：薛琦华 市政府办公室一级主任科员" in text
    assert "市市场监管局局长瞿建民兼任办公室主任，副局长吴建林兼任办公室副主任" in text


def test_reimporting_the_export_changes_nothing(client, users):
    client.force_login(users["office"])
    rows = _export_rows(client)
    before = _snapshot()
    response = client.post(reverse("committee:roster_import"), {"file": roster_xlsx(rows[1:])}, follow=True)
    assert response.status_code == 200
    planned = response.context["rows"]
    assert {r["action"] for r in planned} == {"unchanged"}
    client.post(reverse("committee:roster_import_confirm"))
    assert _snapshot() == before


def test_import_previews_then_applies_a_change_of_person(client, users):
    client.force_login(users["office"])
    rows = [[190, "成员", "市农业农村局", "局长", "李农", "2025-03-01"]]
    response = client.post(reverse("committee:roster_import"), {"file": roster_xlsx(rows)}, follow=True)
    planned = response.context["rows"]
    assert [(r["action"], r["current_person"]) for r in planned] == [("replace", "施昌好")]
    assert "人事变动" in response.content.decode()
    assert seat("member", "市农业农村局").appointments.count() == 1  # preview writes nothing
    response = client.post(reverse("committee:roster_import_confirm"))
    assert response.status_code == 302
    terms = list(seat("member", "市农业农村局").appointments.order_by("start_date"))
    assert [(t.person_name, t.end_date) for t in terms] == [("施昌好", dt.date(2025, 2, 28)), ("李农", None)]


def test_a_second_click_on_confirm_shows_the_result_and_changes_nothing(client, users):
    client.force_login(users["office"])
    rows = [[190, "成员", "市农业农村局", "局长", "李农", "2025-03-01"]]
    client.post(reverse("committee:roster_import"), {"file": roster_xlsx(rows)})
    client.post(reverse("committee:roster_import_confirm"))
    before = _snapshot()
    response = client.post(reverse("committee:roster_import_confirm"), follow=True)
    assert "导入完成：新增席位 0 个，人事变动 1 项" in response.content.decode()
    assert "未重复导入" in response.content.decode()
    assert _snapshot() == before


def test_import_adds_a_new_seat(client, users):
    client.force_login(users["office"])
    rows = [[195, "成员", "市农业农村局", "副局长", "王副", dt.datetime(2025, 1, 2)]]
    client.post(reverse("committee:roster_import"), {"file": roster_xlsx(rows)})
    client.post(reverse("committee:roster_import_confirm"))
    assert seat("member", "市农业农村局", "副局长").appointments.get().person_name == "王副"


@pytest.mark.parametrize(
    "row,message",
    [
        ([10, "主任", "不存在的局", "局长", "某人", "2025-01-01"], "不在成员单位名单中"),
        ([10, "组长", "市农业农村局", "局长", "某人", "2025-01-01"], "无法识别"),
        ([190, "成员", "市农业农村局", "局长", "李农", "2022-01-01"], "任期重叠"),
        ([190, "成员", "市农业农村局", "局长", "李农", ""], "须填写新任人员的任职起始日"),
        ([190, "成员", "市农业农村局", "局长", "李农", "2025-13-01"], "不是有效日期"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_imported(client, users, row, message):
    client.force_login(users["office"])
    good = [195, "成员", "市农业农村局", "副局长", "王副", "2025-01-02"]
    before = _snapshot()
    response = client.post(reverse("committee:roster_import"), {"file": roster_xlsx([good, row])})
    assert response.status_code == 400 and response.context["preview"].errors
    assert message in response.content.decode() and "第 3 行" in response.content.decode()
    assert "确认导入" not in response.content.decode()
    assert not ImportBatch.objects.exists()
    response = client.post(reverse("committee:roster_import_confirm"), follow=True)
    assert "没有待确认的导入" in response.content.decode()
    assert _snapshot() == before


def test_duplicate_seat_rows_are_refused(client, users):
    client.force_login(users["office"])
    row = [190, "成员", "市农业农村局", "局长", "李农", "2025-03-01"]
    response = client.post(reverse("committee:roster_import"), {"file": roster_xlsx([row, row])})
    assert "与第 2 行是同一席位" in response.content.decode()


@pytest.mark.parametrize(
    "upload,message",
    [
        (roster_xlsx([[190, "成员", "市农业农村局", "局长", "+cmd|' /C calc'!A0", "2025-03-01"]]), "公式"),
        (roster_xlsx([["a", "b"]], header=["姓名", "单位"]), "表头缺少列"),
        (SimpleUploadedFile("名单.xlsx", b"%PDF-1.4 not a workbook"), "不是允许的格式"),
        (SimpleUploadedFile("名单.xlsx", b"PK\x03\x04garbage"), "不是有效的 Excel"),
    ],
)
def test_bad_files_are_refused_with_a_chinese_message(client, users, upload, message):
    client.force_login(users["office"])
    before = _snapshot()
    response = client.post(reverse("committee:roster_import"), {"file": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["preview"] is None and not ImportBatch.objects.exists()
    assert _snapshot() == before


def test_confirm_without_a_preview_changes_nothing(client, users):
    client.force_login(users["office"])
    response = client.post(reverse("committee:roster_import_confirm"), follow=True)
    assert "没有待确认的导入" in response.content.decode()


def test_current_roster_reflects_an_import(client, users):
    client.force_login(users["office"])
    rows = [[190, "成员", "市农业农村局", "局长", "李农", "2020-03-01"]]
    response = client.post(reverse("committee:roster_import"), {"file": roster_xlsx(rows)})
    assert response.context["preview"].errors  # before the current term: overlap
    names = {e.person_name for e in current_roster()}
    assert "施昌好" in names and "李农" not in names


@pytest.mark.parametrize(
    "upload,code",
    [
        (roster_xlsx([[190, "成员", "市农业农村局", "局长", "+cmd|' /C calc'!A0", "2025-03-01"]]), "formula"),
        (roster_xlsx([["a", "b"]], header=["姓名", "单位"]), "bad_header"),
        (roster_xlsx([]), "empty"),
        (SimpleUploadedFile("名单.xlsx", b"PK\x03\x04garbage"), "not_xlsx"),  # core.uploads' refusal
    ],
)
def test_reading_a_bad_roster_raises_a_service_error_with_the_rule_s_code(upload, code):
    with pytest.raises(ServiceError) as excinfo:
        read_roster_workbook(upload)
    assert excinfo.value.code == code
    assert excinfo.value.messages[0]  # the Chinese message shown on the page
