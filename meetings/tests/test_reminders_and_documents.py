import datetime as dt
import io

import pytest
from docx import Document

from meetings import documents, reminders
from meetings.models import FollowUpAssignment, Meeting
from notifications.services import notify

from .factories import close, draft_meeting, held_meeting, notified_meeting, on, publish, unit, work_plan_task

pytestmark = pytest.mark.django_db


def _occasions(today):
    return {r.occasion: r for r in reminders.collect(today)}


def test_topic_call_closing_reminds_invited_units_within_three_days(users):
    meeting = draft_meeting()
    key = f"topic_call:{meeting.pk}:closing"
    assert key not in _occasions(meeting.topic_deadline - dt.timedelta(days=4))
    reminder = _occasions(meeting.topic_deadline - dt.timedelta(days=3))[key]
    assert users["unit_a"] in reminder.recipients and users["office"] not in reminder.recipients
    assert key in _occasions(meeting.topic_deadline)
    assert key not in _occasions(meeting.topic_deadline + dt.timedelta(days=1))


def test_meeting_eve_reminder_on_the_last_working_day_before(users):
    meeting = notified_meeting(users["office"])  # Monday 2025-06-16
    key = f"meeting:{meeting.pk}:eve"
    assert key in _occasions(dt.date(2025, 6, 13))  # Friday
    assert key not in _occasions(dt.date(2025, 6, 12))
    reminder = _occasions(dt.date(2025, 6, 13))[key]
    assert users["unit_b"] in reminder.recipients and users["office"] in reminder.recipients


def test_draft_meeting_gets_no_eve_reminder(users):
    meeting = draft_meeting()
    assert f"meeting:{meeting.pk}:eve" not in _occasions(meeting.planned_date - dt.timedelta(days=1))


def test_followup_due_and_overdue_reminders_go_to_the_unit_once(users):
    with on(dt.date(2025, 1, 10)):
        task = work_plan_task(
            users["office"], lead=users["unit_a"].member_unit, deadline=dt.date(2025, 3, 31)
        )
    unit_id = users["unit_a"].member_unit_id
    due, overdue = f"followup:{task.pk}:{unit_id}:due3", f"followup:{task.pk}:{unit_id}:overdue"
    assert due not in _occasions(dt.date(2025, 3, 27))
    reminder = _occasions(dt.date(2025, 3, 28))[due]
    assert reminder.recipients == (users["unit_a"],)
    assert reminder.url == f"/meetings/followups/{task.assignments.get().pk}/"
    assert overdue in _occasions(dt.date(2025, 4, 1))
    r = _occasions(dt.date(2025, 4, 1))[overdue]
    first = notify(occasion=r.occasion, recipients=r.recipients, subject=r.subject, body=r.body, url=r.url)
    again = notify(occasion=r.occasion, recipients=r.recipients, subject=r.subject, body=r.body, url=r.url)
    assert first and not again


def test_closed_items_are_not_reminded(users):
    with on(dt.date(2025, 1, 10)):
        task = work_plan_task(
            users["office"], lead=users["unit_a"].member_unit, deadline=dt.date(2025, 3, 31)
        )
    close(task.assignments.get(), users["unit_a"], users["approver"], on_day=dt.date(2025, 3, 1))
    assert not any(k.startswith("followup:") for k in _occasions(dt.date(2025, 4, 1)))


def test_reminder_collection_query_count_does_not_grow(users, django_assert_max_num_queries):
    with on(dt.date(2025, 1, 10)):
        for n in range(6):
            work_plan_task(
                users["office"],
                lead=unit("市商务局"),
                co=[users["unit_a"].member_unit],
                deadline=dt.date(2025, 3, 31),
                title=f"任务{n}",
            )
    draft_meeting()
    # 8, plus the 督办设置 (created on first use: savepoint, select, insert) and its leader accounts,
    # and the meeting rule's reminder days
    with django_assert_max_num_queries(13):
        result = reminders.collect(dt.date(2025, 4, 1))
    assert len(result) == 12


def _text(doc) -> str:
    buf = io.BytesIO()
    doc.save(buf)
    parsed = Document(io.BytesIO(buf.getvalue()))
    cells = [c.text for t in parsed.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in parsed.paragraphs] + cells)


def test_notice_and_agenda_documents(users):
    meeting = notified_meeting(users["office"])
    text = _text(documents.notice_document(meeting))
    assert "关于召开2025年上半年监利市质量强市及品牌建设联席会议的通知" in text
    assert "各成员单位：" in text and "市市场监管局三楼会议室" in text
    assert "2025年6月16日（星期一）" in text
    assert "上次联席会议决定事项落实情况（第二条(六) 检查决议决定落实情况" in text
    assert "办公室主任 瞿建民" in text
    agenda = _text(documents.agenda_document(meeting))
    assert "议程" in agenda and "1. 上次联席会议决定事项落实情况" in agenda


def test_minutes_document_lists_decisions_with_units_and_deadline(users, published):
    meeting = published.agenda_item.meeting
    text = _text(documents.minutes_document(meeting))
    assert "2025年上半年监利市质量强市及品牌建设联席会议纪要" in text
    assert "会议决定：" in text
    assert (
        f"（一）{published.title}。牵头单位：市农业农村局；配合单位：容城镇；完成时限：2025年9月30日。"
        in text
    )
    assert "签发：瞿建民" in text


def test_followup_notice_for_an_overdue_item(users, published):
    a = published.assignments.get(role=FollowUpAssignment.Role.LEAD)
    text = _text(documents.followup_notice_document(a, today=dt.date(2025, 10, 10)))
    assert "催办通知单" in text and "市农业农村局" in text
    assert "10 天" in text and published.title in text and "未报送" in text


def test_cn_number():
    assert [documents.cn_number(n) for n in (1, 10, 11, 20, 23)] == ["一", "十", "十一", "二十", "二十三"]


def test_minutes_draft_document_is_marked_unsigned(users):
    meeting = held_meeting(users["office"])
    assert "尚未签发" in _text(documents.minutes_document(meeting))
    assert meeting.status == Meeting.Status.HELD
    publish(meeting, users["office"], users["approver"])
