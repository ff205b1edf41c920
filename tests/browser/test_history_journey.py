"""Journeys (issue 16): the office imports past meetings from one xlsx (a bad file first: errors,
nothing stored), and the next meeting's first agenda item (附件2 第二条(六)) reports on them; a unit
asks for a 延期 of an overdue item and an approver grants it."""

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from openpyxl import Workbook

from meetings import services
from meetings.models import BusinessKind, ExtensionRequest, FollowUpAssignment, FollowUpItem, Meeting
from meetings.services import term_of
from meetings.services.history import DECISION_COLUMNS, DECISION_SHEET, MEETING_COLUMNS, MEETING_SHEET

pytestmark = pytest.mark.django_db(transaction=True)


def _previous_term(today: dt.date) -> tuple[int, int, dt.date]:
    year, half = term_of(today)
    year, half = (year, 1) if half == 2 else (year - 1, 2)
    held_on = dt.date(year, 6, 12) if half == 1 else dt.date(year, 12, 12)
    return year, half, held_on


def _xlsx(path, meetings, decisions):
    wb = Workbook()
    ws = wb.active
    ws.title = MEETING_SHEET
    ws.append([label for _k, label in MEETING_COLUMNS])
    for row in meetings:
        ws.append(row)
    ws2 = wb.create_sheet(DECISION_SHEET)
    ws2.append([label for _k, label in DECISION_COLUMNS])
    for row in decisions:
        ws2.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())
    return str(path)


def test_history_import_then_next_meetings_first_agenda_item(page, policy, users, login, shot, tmp_path):
    page.on("dialog", lambda dialog: dialog.accept())
    today = timezone.localdate()
    year, half, held_on = _previous_term(today)
    label = f"{year}年{'上半年' if half == 1 else '下半年'}"
    meeting_row = [
        label,
        held_on.isoformat(),
        "市市场监管局三楼会议室",
        "各成员单位分管负责同志",
        "会议听取了……",
        "纪〔1〕号",
    ]
    closed_on = held_on + dt.timedelta(days=30)
    decisions = [
        [
            label,
            "地理标志保护",
            "市市场监管局",
            "",
            "讨论了……",
            "完成大米地理标志申报",
            "",
            "市农业农村局",
            "容城镇",
            (held_on + dt.timedelta(days=40)).isoformat(),
            "已销号",
            closed_on.isoformat(),
        ],
        [
            label,
            "地理标志保护",
            "",
            "",
            "",
            "建立地理标志监管台账",
            "",
            "市农业农村局",
            "",
            (today - dt.timedelta(days=10)).isoformat(),
            "办理中",
            "",
        ],
    ]
    bad = _xlsx(
        tmp_path / "历史会议（有误）.xlsx",
        [meeting_row, meeting_row],
        [[*decisions[1][:7], "市不存在局", *decisions[1][8:]]],
    )
    good = _xlsx(tmp_path / "历史会议.xlsx", [meeting_row], decisions)

    login(page, users["office"])
    page.click("nav >> text=历史会议补录")
    assert "历史补录：联席会议" in page.inner_text("h1")
    shot(page, "01-history-form")
    page.get_by_role("link", name="从 Excel 批量导入").click()
    page.set_input_files("input[name=file]", bad)
    page.click("button:has-text('上传并预览')")
    errors = page.inner_text("#import-errors")
    assert "同一期次的会议" in errors and "“市不存在局”不在成员单位名单中" in errors
    assert page.locator("button:has-text('确认导入')").count() == 0
    assert not Meeting.objects.exists() and not FollowUpItem.objects.exists()
    shot(page, "02-import-errors")
    page.set_input_files("input[name=file]", good)
    page.click("button:has-text('上传并预览')")
    page.wait_for_url(re.compile(r".*/imports/\d+/$"))  # the preview page every import shares
    assert "建立地理标志监管台账" in page.inner_text("main")
    assert not Meeting.objects.exists()  # a preview stores nothing
    shot(page, "03-import-preview")
    page.click("button:has-text('确认导入')")
    page.wait_for_url(re.compile(r".*/meetings/history/$"))
    assert "已导入 1 次历史联席会议、2 项决定事项" in page.inner_text(".messages")
    assert "补录完成" in page.inner_text("main")

    # the next (current) meeting: its first item reports on the imported decisions
    year_now, half_now = term_of(today)
    page.goto("/meetings/")
    page.fill("#id_year", str(year_now))
    page.select_option("#id_half", str(half_now))
    page.get_by_role("button", name="创建会议（筹备中）").click()
    page.wait_for_url(re.compile(r".*/meetings/\d+/$"))
    agenda = page.inner_text("#agenda")
    assert "上次联席会议决定事项落实情况" in agenda
    assert "完成大米地理标志申报" in agenda and "建立地理标志监管台账" in agenda
    assert "逾期" in agenda and "已办结" in agenda
    shot(page, "04-next-meeting-first-item")


def test_unit_asks_for_extension_and_approver_grants_it(page, policy, users, login, logout, shot):
    page.on("dialog", lambda dialog: dialog.accept())
    office, approver, unit_user = users["office"], users["approver"], users["unit_a"]
    today = timezone.localdate()
    year, half, held_on = _previous_term(today)
    meeting = services.meeting_history_create(
        by=office, year=year, half=half, held_on=held_on, place="会议室", overview="概况"
    )
    item = services.agenda_item_add(
        meeting=meeting, by=office, title="质量提升", business_kind=BusinessKind.objects.get(code="policy")
    )
    services.decision_create(
        agenda_item=item,
        by=office,
        title="完成质量提升行动方案",
        lead_unit=unit_user.member_unit,
        deadline=today - dt.timedelta(days=12),
        state="signed",
    )
    services.meeting_history_finalize(meeting=meeting, by=office)
    a = FollowUpAssignment.objects.get()
    wanted = today + dt.timedelta(days=30)

    login(page, unit_user)
    page.click("nav >> text=逾期督办")
    row = page.inner_text("#overdue")
    assert "完成质量提升行动方案" in row and "12" in row
    shot(page, "05-unit-overdue-list")
    page.get_by_role("link", name="完成质量提升行动方案").click()
    assert "逾期 12 天" in page.inner_text(".page-header")
    page.click("summary:has-text('申请延期')")
    page.fill("#id_requested_deadline", wanted.isoformat())
    page.fill("#id_reason", "方案需报市政府常务会议审定")
    page.get_by_role("button", name="提交延期申请").click()
    assert "延期申请已提交" in page.inner_text(".messages")
    assert "待办公室负责人审批" in page.inner_text("#pending-extension")
    shot(page, "06-extension-requested")
    logout(page)

    login(page, approver)
    page.goto(f"/meetings/followups/{a.pk}/")
    page.check("input[name=approve][value='1']")
    page.get_by_role("button", name="提交审批意见").click()
    assert "延期申请已审批" in page.inner_text(".messages")
    shot(page, "07-extension-approved")
    a.refresh_from_db()
    assert a.deadline == wanted and ExtensionRequest.objects.get().status == "approved"
    assert "经批准由" in page.inner_text("main") and "已同意" in page.inner_text("#extensions")
    page.click("nav >> text=逾期督办")
    assert "完成质量提升行动方案" not in page.inner_text("#overdue")
    logout(page)

    login(page, unit_user)
    page.goto("/notifications/")
    assert "延期申请已同意" in page.inner_text("main")
    shot(page, "08-unit-told")
