"""历史补录 of joint meetings: the rules, the xlsx import (bad files change nothing) and the link to
the next meeting's first agenda item (附件2 第二条(六))."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from core.errors import ServiceError
from core.models import ImportBatch
from meetings import services
from meetings.models import AgendaItem, BusinessKind, FollowUpAssignment, FollowUpItem, Meeting, MinutesFile
from meetings.selectors import agenda_items, first_item_status
from meetings.services.history import DECISION_COLUMNS, DECISION_SHEET, MEETING_COLUMNS, MEETING_SHEET
from notifications.models import Notification

from .factories import draft_meeting, on, unit

TODAY = dt.date(2026, 12, 1)

MEETINGS = [
    [
        "2026年上半年",
        "2026-06-12",
        "市市场监管局三楼会议室",
        "各成员单位分管负责同志",
        "会议听取了……",
        "纪〔2026〕1号",
    ]
]
DECISIONS = [
    # term, topic, presenter, kind, discussion, title, content, lead, co, deadline, state, completed_on
    [
        "2026年上半年",
        "地理标志保护",
        "市市场监管局",
        "第二条(三)",
        "讨论了……",
        "完成申报",
        "",
        "市农业农村局",
        "容城镇",
        "2026-09-30",
        "已销号",
        "2026-09-20",
    ],
    [
        "2026年上半年",
        "地理标志保护",
        "",
        "",
        "",
        "建立监管台账",
        "",
        "市市场监管局",
        "",
        "2026-08-31",
        "办理中",
        "",
    ],
    ["2026年上半年", "品牌宣传", "", "", "", "制定宣传方案", "", "容城镇", "", "2027-03-31", "未签收", ""],
]


def xlsx(meetings=MEETINGS, decisions=DECISIONS, name="历史会议.xlsx") -> SimpleUploadedFile:
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
    return SimpleUploadedFile(name, buf.getvalue())


def _nothing_stored():
    assert Meeting.objects.filter(is_history=True).count() == 0
    assert FollowUpItem.objects.count() == 0
    assert FollowUpAssignment.objects.count() == 0


def _import(office, upload):
    with on(TODAY):
        preview = services.history_import_preview(upload=upload)
        assert preview.ok, preview.errors
        return services.history_import_confirm(meetings=preview.meetings, by=office)


def test_imported_history_keeps_real_states_and_tells_nobody(users):
    (meeting,) = _import(users["office"], xlsx())
    assert meeting.is_history and meeting.status == Meeting.Status.PUBLISHED
    assert meeting.held_on == dt.date(2026, 6, 12)
    by_title = {a.item.title: a for a in FollowUpAssignment.objects.select_related("item")}
    closed = by_title["完成申报"]
    assert closed.phase == "closed" and closed.completed_on == dt.date(2026, 9, 20)
    assert FollowUpAssignment.objects.get(item=closed.item, unit=unit("容城镇")).phase == "closed"
    assert by_title["建立监管台账"].phase == "signed"
    assert by_title["建立监管台账"].status_on(TODAY).label == "逾期"  # deadline 2026-08-31 passed
    assert by_title["制定宣传方案"].phase == "assigned"
    assert meeting.agenda_items.count() == 2
    assert AgendaItem.objects.get(title="地理标志保护").business_kind.code == "coordination"
    assert Notification.objects.count() == 0  # 2026 上半年's work: no 下发 messages now


def test_next_meetings_first_item_reports_on_imported_history(users):
    _import(users["office"], xlsx())
    with on(TODAY):
        upcoming = draft_meeting(2026, 2)
        status = first_item_status(upcoming, agenda_items(upcoming))
    assert status["previous"]["title"] == "2026年上半年联席会议"
    assert [e["title"] for e in status["items"]] == ["完成申报", "建立监管台账", "制定宣传方案"]
    assert status["counts"] == {"total": 3, "done": 1, "open": 2, "overdue": 1}


@pytest.mark.parametrize(
    "meetings, decisions, expected",
    [
        # wrong dates
        ([["2026年上半年", "2026-07-12", "会议室", "", "概况", ""]], DECISIONS, "不在2026年上半年"),
        ([["2026年下半年", "2026-12-20", "会议室", "", "概况", ""]], [], "晚于今天"),
        ([["2021年下半年", "2021-12-20", "会议室", "", "概况", ""]], [], "2022 年至今年"),
        ([["2026年上", "2026-06-12", "会议室", "", "概况", ""]], [], "应写作"),
        ([["2026年上半年", "2026-02-30", "会议室", "", "概况", ""]], [], "不是有效日期"),
        (MEETINGS, [[*DECISIONS[0][:9], "2026-05-01", "办理中", ""]], "早于会议召开日期"),
        (MEETINGS, [[*DECISIONS[0][:10], "已销号", "2026-06-01"]], "办结日期 2026年6月1日 早于会议召开日期"),
        (MEETINGS, [[*DECISIONS[0][:10], "已销号", "2026-12-25"]], "晚于今天"),
        (MEETINGS, [[*DECISIONS[0][:10], "已销号", ""]], "请填写办结日期"),
        # unknown units
        (
            MEETINGS,
            [[*DECISIONS[0][:7], "市不存在局", *DECISIONS[0][8:]]],
            "牵头单位“市不存在局”不在成员单位名单中",
        ),
        (MEETINGS, [[*DECISIONS[0][:8], "容城镇、某某公司", *DECISIONS[0][9:]]], "配合单位“某某公司”"),
        # duplicate meetings
        (MEETINGS + MEETINGS, DECISIONS, "同一期次的会议"),
        # other bad input
        (MEETINGS, [[*DECISIONS[0][:10], "已完成", ""]], "办理状态“已完成”"),
        (MEETINGS, [[*DECISIONS[0][:5], "@SUM(1+1)*cmd", *DECISIONS[0][6:]]], "疑似公式"),
        (MEETINGS, [["2025年上半年", *DECISIONS[0][1:]]], "不在“会议”工作表中"),
        (MEETINGS, [], "没有议题"),
        (MEETINGS, [[*DECISIONS[0][:3], "第九条", *DECISIONS[0][4:]]], "议事内容类别“第九条”"),
    ],
)
def test_bad_history_files_give_chinese_preview_errors_and_store_nothing(
    users, meetings, decisions, expected
):
    with on(TODAY):
        preview = services.history_import_preview(upload=xlsx(meetings, decisions))
    assert not preview.ok
    assert any(expected in e["message"] for e in preview.errors), preview.errors
    _nothing_stored()


def test_a_meeting_already_on_the_platform_is_a_duplicate(users):
    from .factories import arrange_and_notify

    with on(dt.date(2026, 5, 1)):
        arrange_and_notify(draft_meeting(2026, 1), users["office"])
    with on(TODAY):
        preview = services.history_import_preview(upload=xlsx())
    assert not preview.ok and "已在平台中（已发通知）" in preview.errors[0]["message"]
    assert not Meeting.objects.filter(is_history=True).exists() and FollowUpItem.objects.count() == 0


def test_a_draft_the_scheduler_left_unused_is_taken_over_by_the_history_entry(users):
    with on(dt.date(2026, 1, 5)):
        draft = draft_meeting(2026, 1)  # drafted at the half-year start, never run on the platform
    (meeting,) = _import(users["office"], xlsx())
    assert meeting.pk == draft.pk and meeting.is_history and meeting.status == Meeting.Status.PUBLISHED
    assert not meeting.agenda_items.filter(is_generated=True).exists()
    assert meeting.agenda_items.count() == 2 and Meeting.objects.count() == 1


def test_a_file_without_the_sheets_is_refused(users):
    wb = Workbook()
    buf = io.BytesIO()
    wb.save(buf)
    with on(TODAY), pytest.raises(ServiceError, match="没有“会议”工作表"):
        services.history_import_preview(upload=SimpleUploadedFile("x.xlsx", buf.getvalue()))


def test_confirm_checks_again_and_stores_nothing_when_the_term_was_taken_meanwhile(users):
    with on(TODAY):
        preview = services.history_import_preview(upload=xlsx())
        assert preview.ok
        from .factories import arrange_and_notify

        arrange_and_notify(draft_meeting(2026, 1), users["office"])  # run on the platform meanwhile
        with pytest.raises(ServiceError, match="本次导入已全部取消") as refused:
            services.history_import_confirm(meetings=preview.meetings, by=users["office"])
        assert refused.value.code == "bad_meeting"
    assert not Meeting.objects.filter(is_history=True).exists() and FollowUpItem.objects.count() == 0


def test_units_cannot_import_history(users):
    with on(TODAY):
        preview = services.history_import_preview(upload=xlsx())
        with pytest.raises(Exception, match="办公室"):
            services.history_import_confirm(meetings=preview.meetings, by=users["unit_a"])
    _nothing_stored()


# --- by form --------------------------------------------------------------------------------------


def test_history_by_form_allows_past_dates_that_new_planning_refuses(users):
    office = users["office"]
    with on(TODAY):
        meeting = services.meeting_history_create(
            by=office, year=2023, half=1, held_on=dt.date(2023, 6, 16), place="三楼会议室", overview="概况"
        )
        kind = meeting.agenda_items.model.business_kind.field.related_model.objects.get(code="policy")
        item = services.agenda_item_add(meeting=meeting, by=office, title="部署全年工作", business_kind=kind)
        services.decision_create(
            agenda_item=item,
            by=office,
            title="完成质量提升行动方案",
            lead_unit=unit("市市场监管局"),
            deadline=dt.date(2023, 9, 30),
            state="closed",
            completed_on=dt.date(2023, 10, 8),
        )
        services.meeting_history_finalize(meeting=meeting, by=office)
        a = FollowUpAssignment.objects.get()
        # closed late: after its deadline (for the assessment), and not notified
        assert a.phase == "closed" and a.completed_on == dt.date(2023, 10, 8) and a.deadline < a.completed_on
        assert a.item.released_at is not None and Notification.objects.count() == 0
        # the same past deadline is still refused for new planning
        live = services.meeting_draft_for_term(year=2026, half=2)[0]
        with pytest.raises(ServiceError, match="计划召开日期已过") as refused:
            live.planned_date = dt.date(2026, 11, 30)
            live.place = "会议室"
            live.save()
            services.meeting_issue_notice(meeting=live, by=office)
        assert refused.value.code == "past_date"


def test_new_decisions_still_refuse_a_past_deadline(users):
    from .factories import decision, held_meeting

    with on(TODAY):
        meeting = held_meeting(users["office"], year=2026, half=2)
        with pytest.raises(ServiceError, match="办理时限 2026年11月1日 已过") as refused:
            decision(users["office"], meeting, lead=unit("市市场监管局"), deadline=dt.date(2026, 11, 1))
        assert refused.value.code == "past_deadline"


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        ({"year": 2023, "half": 1, "held_on": dt.date(2023, 8, 1)}, "不在2023年上半年"),
        ({"year": 2026, "half": 2, "held_on": dt.date(2026, 12, 30)}, "晚于今天"),
        ({"year": 2021, "half": 2, "held_on": dt.date(2021, 12, 1)}, "2022 年至今年"),
        ({"year": 2023, "half": 1, "held_on": dt.date(2023, 6, 1), "place": " "}, "请填写会议地点"),
    ],
)
def test_history_form_rules(users, kwargs, expected):
    kwargs = {"place": "会议室", "overview": "概况", **kwargs}
    with on(TODAY), pytest.raises(ServiceError, match=expected):
        services.meeting_history_create(by=users["office"], **kwargs)
    assert not Meeting.objects.exists()


def test_finalize_needs_overview_and_topics(users):
    with on(TODAY):
        meeting = services.meeting_history_create(
            by=users["office"], year=2023, half=1, held_on=dt.date(2023, 6, 16), place="会议室"
        )
        with pytest.raises(ServiceError, match="会议概况未填写；没有议题") as refused:
            services.meeting_history_finalize(meeting=meeting, by=users["office"])
        assert refused.value.code == "incomplete"
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD


def test_minutes_files_pdf_and_word_are_kept_and_others_refused(client, users):
    from docx import Document

    buf = io.BytesIO()
    Document().save(buf)
    docx = SimpleUploadedFile("纪要.docx", buf.getvalue())
    pdf = SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 minutes")
    fake = SimpleUploadedFile("纪要.docx", b"not a word file at all")
    client.force_login(users["office"])
    with on(TODAY):
        response = client.post(
            reverse("meetings:history_create"),
            {
                "year": 2024,
                "half": 2,
                "held_on": "2024-12-18",
                "place": "会议室",
                "overview": "概况",
                "files": [pdf, docx],
            },
        )
        assert response.status_code == 302
        meeting = Meeting.objects.get()
        assert sorted(MinutesFile.objects.values_list("name", flat=True)) == ["纪要.docx", "纪要.pdf"]
        response = client.post(
            reverse("meetings:minutes_files_add", args=[meeting.pk]), {"files": [fake]}, follow=True
        )
        assert "不是允许的格式" in response.content.decode() or "不是有效的 Word" in response.content.decode()
        assert MinutesFile.objects.count() == 2
        f = MinutesFile.objects.get(name="纪要.pdf")
        assert client.get(reverse("meetings:minutes_file", args=[f.pk])).status_code == 200


def test_import_page_shows_errors_then_confirms(client, users):
    client.force_login(users["office"])
    with on(TODAY):
        bad = client.post(reverse("meetings:history_import"), {"file": xlsx(MEETINGS + MEETINGS)})
        assert "同一期次的会议" in bad.content.decode() and "/confirm/" not in bad.content.decode()
        assert bad.status_code == 400 and not ImportBatch.objects.exists()
        _nothing_stored()
        good = client.post(reverse("meetings:history_import"), {"file": xlsx()}, follow=True)
        assert "确认导入" in good.content.decode() and "地理标志保护" in good.content.decode()
        assert ImportBatch.objects.get().status == "preview"
        _nothing_stored()  # preview only
        done = client.post(reverse("meetings:history_import_confirm"))
        assert done.status_code == 302
        assert Meeting.objects.filter(is_history=True).count() == 1 and FollowUpItem.objects.count() == 3
        again = client.post(reverse("meetings:history_import_confirm"), follow=True)
        assert "已导入 1 次历史联席会议" in again.content.decode() and "未重复导入" in again.content.decode()
        assert FollowUpItem.objects.count() == 3


def _history_meeting(office, **kwargs):
    kwargs = {
        "year": 2023,
        "half": 1,
        "held_on": dt.date(2023, 6, 16),
        "place": "会议室",
        "overview": "概况",
        **kwargs,
    }
    meeting = services.meeting_history_create(by=office, **kwargs)
    kind = BusinessKind.objects.get(code="policy")
    return meeting, services.agenda_item_add(meeting=meeting, by=office, title="部署工作", business_kind=kind)


def test_decision_form_of_a_history_meeting_takes_the_real_state(client, users):
    client.force_login(users["office"])
    with on(TODAY):
        meeting, item = _history_meeting(users["office"])
        url = reverse("meetings:decision_create", args=[item.pk])
        data = {"title": "完成方案", "lead_unit": unit("市市场监管局").pk, "deadline": "2023-09-30"}
        missing = client.post(url, {**data, "state": "closed"})
        assert "已销号的事项请填写办结日期" in missing.content.decode()
        assert not FollowUpItem.objects.exists()
        done = client.post(url, {**data, "state": "closed", "completed_on": "2023-09-28"})
        assert done.status_code == 302
        a = FollowUpAssignment.objects.get()
        assert a.phase == "closed" and a.completed_on == dt.date(2023, 9, 28) and a.item.released_at is None
        client.post(reverse("meetings:history_finalize", args=[meeting.pk]))
        a.refresh_from_db()
        assert a.item.released_at is not None and a.events.get().kind == "history"


def test_finalize_is_only_for_history_meetings(users):
    from .factories import held_meeting

    with on(TODAY):
        meeting = held_meeting(users["office"], year=2026, half=2)
        with pytest.raises(ServiceError, match="只有尚未完成补录的历史会议") as refused:
            services.meeting_history_finalize(meeting=meeting, by=users["office"])
        assert refused.value.code == "not_history_draft"
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD and meeting.minutes_published_at is None


def test_units_see_history_minutes_files_only_once_finalised(client, users):
    with on(TODAY):
        meeting, _item = _history_meeting(
            users["office"], files=[SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 minutes")]
        )
        f = meeting.minutes_files.get()
        client.force_login(users["unit_a"])
        assert client.get(reverse("meetings:minutes_file", args=[f.pk])).status_code == 404
        services.meeting_history_finalize(meeting=meeting, by=users["office"])
        assert client.get(reverse("meetings:minutes_file", args=[f.pk])).status_code == 200


def test_history_minutes_document_says_history(users):
    from meetings import documents

    with on(TODAY):
        meeting, _item = _history_meeting(users["office"], attendees="各成员单位分管负责同志")
        services.meeting_history_finalize(meeting=meeting, by=users["office"])
        doc = documents.minutes_document(meeting)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "历史补录" in text and "各成员单位分管负责同志" in text


def test_an_xlsx_renamed_docx_is_not_a_minutes_file(users):
    from core.uploads import validate_upload

    wb = Workbook()
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(ValidationError, match="不是有效的 Word"):
        validate_upload(SimpleUploadedFile("纪要.docx", buf.getvalue()), kinds=("pdf", "docx"))


def test_units_read_a_history_meeting_without_an_attendance_form(client, users):
    _import(users["office"], xlsx())
    meeting = Meeting.objects.get(is_history=True)
    client.force_login(users["unit_a"])
    with on(TODAY):
        page = client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
        listing = client.get(reverse("meetings:meeting_list")).content.decode()
    assert "历史补录" in page and "提交回执" not in page and "待回执" not in page
    assert "历史补录" in listing


def test_history_follows_a_meeting_cycle_of_four_months(users):
    """A county meeting in February, June and October: terms 第一次…第三次, each within its cycle."""
    from meetings.models import MeetingRule
    from meetings.rules import apply_meeting_rule
    from meetings.services.history import history_import_preview

    rule = {"name": MeetingRule.objects.get().name, "frequency_months": 4, "months": [2, 6, 10]}
    apply_meeting_rule(rule)
    with on(TODAY), pytest.raises(ValidationError) as exc:
        services.meeting_history_create(
            by=users["office"],
            year=2024,
            half=2,
            held_on=dt.date(2024, 8, 1),
            place="会议室",
            overview="概况",
        )
    assert exc.value.messages == [
        "召开日期 2024年8月1日 不在2024年第二次（2024年3月1日 至 2024年6月30日）内。"
    ]
    assert not Meeting.objects.exists()
    with on(TODAY):
        meeting = services.meeting_history_create(
            by=users["office"],
            year=2024,
            half=3,
            held_on=dt.date(2024, 9, 20),
            place="会议室",
            overview="概况",
        )
    assert meeting.title == "2024年第三次联席会议"
    # the spreadsheet names the terms the same way, and says so when it does not
    bad = [["2024年上半年", *MEETINGS[0][1:]]]
    with on(TODAY):
        preview = history_import_preview(upload=xlsx(bad, []))
    assert "会议期次“2024年上半年”应写作“2023年第一次”、“2023年第二次”或“2023年第三次”。" in str(
        preview.errors
    )
