"""Journey: the office creates the half-year's joint meeting; a member unit proposes a topic and
confirms attendance; the office builds the agenda, issues the notice, records the meeting and a
decision; the approver signs off the minutes and the office publishes them; the unit signs for the
follow-up item, reports with evidence and asks for closure; the approver closes it (销号); the next
meeting's first agenda item lists the decision as done. The roster pages are looked at on the way."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from meetings.models import FollowUpAssignment, Meeting, Topic
from meetings.services import next_term, term_of

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DECISION = "制定监利大米区域公用品牌管理办法"


def _pdf(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def test_meeting_cycle_from_topic_to_closed_follow_up(page, policy, users, login, logout, shot):
    page.on("dialog", lambda dialog: dialog.accept())
    office, approver, unit_user = users["office"], users["approver"], users["unit_a"]
    today = timezone.localdate()
    year, half = term_of(today)
    iso = today.isoformat()

    # --- the office: roster, then the half-year's meeting ------------------------------------------
    login(page, office)
    page.goto("/committee/")
    assert "聂良平" in page.inner_text("main")
    shot(page, "01-roster")
    page.goto("/meetings/")
    page.fill("#new_year", str(year))
    page.select_option("#new_half", str(half))
    page.get_by_role("button", name="创建会议（筹备中）").click()
    page.wait_for_url(re.compile(r".*/meetings/\d+/$"))
    meeting = Meeting.objects.get(year=year, half=half)
    assert "筹备中" in page.inner_text("h1")
    page.get_by_role("link", name="编辑会议安排").click()
    page.fill("#id_planned_date", iso)
    page.fill("#id_start_time", "09:30")
    page.fill("#id_place", "市市场监管局三楼会议室")
    page.fill("#id_topic_deadline", iso)
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(rf".*/meetings/{meeting.pk}/$"))
    assert "会议安排已保存" in page.inner_text(".messages")
    shot(page, "02-meeting-preparing")
    logout(page)

    # --- the member unit proposes a topic and confirms attendance -------------------------------------
    login(page, unit_user)
    page.get_by_role("link", name="联席会议", exact=True).first.click()
    page.get_by_role("link", name=meeting.title).click()
    page.get_by_role("link", name="提出议题").click()
    page.fill("#id_title", "推进监利大米区域公用品牌建设")
    page.fill("#id_background", "区域公用品牌使用分散，缺少统一管理。")
    page.fill("#id_request", "请会议明确牵头单位和完成时限。")
    page.set_input_files("#id_files", [_pdf("品牌建设方案.pdf")])
    shot(page, "03-unit-topic-form")
    page.get_by_role("button", name="提交议题").click()
    page.wait_for_url(re.compile(r".*/meetings/topics/\d+/$"))
    assert "等待办公室审核" in page.inner_text(".messages")
    topic = Topic.objects.get()
    assert topic.attachments.count() == 1
    page.goto(meeting.get_absolute_url())
    page.check("input[name=response][value=attending]")
    page.fill("#id_attendees", "施昌好 局长")
    page.get_by_role("button", name="提交回执").click()
    assert "参会回执已提交" in page.inner_text(".messages")
    assert "征集的议题" not in page.inner_text("main")  # units see their own topics only
    shot(page, "03b-unit-meeting")
    logout(page)

    # --- the office accepts the topic, issues the notice, records the meeting -----------------------
    login(page, office)
    page.goto(topic.get_absolute_url())
    page.check("input[name=action][value=accept]")
    page.select_option("#id_business_kind", label="第二条(三) 协调解决问题、建立长效机制")
    page.get_by_role("button", name="确认处理").click()
    page.wait_for_url(re.compile(rf".*/meetings/{meeting.pk}/$"))
    agenda = page.inner_text("#agenda")
    assert agenda.index("上次联席会议决定事项落实情况") < agenda.index("推进监利大米区域公用品牌建设")
    page.get_by_role("button", name="发出会议通知").click()
    assert "会议通知已发出" in page.inner_text(".messages")
    shot(page, "04-meeting-notified-with-agenda")
    with page.expect_download() as download:
        page.get_by_role("link", name="会议通知（Word）").click()
    assert download.value.suggested_filename.endswith("通知.docx")
    page.fill("#id_held_on", iso)
    page.get_by_role("button", name="登记会议已召开").click()
    page.wait_for_url(re.compile(rf".*/meetings/{meeting.pk}/minutes/$"))
    page.get_by_role("link", name="编辑纪要").click()
    page.fill("#id_minutes_number", "第1期")
    for textarea in page.locator("textarea[name^=discussion_]").all():
        textarea.fill("会议听取了汇报并进行了讨论。")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(rf".*/meetings/{meeting.pk}/minutes/$"))
    page.get_by_role("link", name="记录决定事项").nth(1).click()
    page.fill("#id_title", DECISION)
    page.select_option("#id_lead_unit", label="市农业农村局")
    page.select_option("#id_co_units", label="容城镇")
    page.fill("#id_deadline", (today + dt.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(rf".*/meetings/{meeting.pk}/minutes/$"))
    assert "牵头单位：市农业农村局；配合单位：容城镇" in page.inner_text("main")
    shot(page, "05-minutes-draft")
    logout(page)

    # --- the approver signs off, the office publishes -----------------------------------------------
    login(page, approver)
    page.goto(f"/meetings/{meeting.pk}/minutes/")
    page.get_by_role("button", name="签发纪要").click()
    assert "纪要已签发" in page.inner_text(".messages")
    logout(page)
    login(page, office)
    page.goto(f"/meetings/{meeting.pk}/minutes/")
    page.get_by_role("button", name="发布纪要").click()
    assert "纪要已发布" in page.inner_text(".messages")
    shot(page, "06-minutes-published")
    logout(page)

    # --- the unit signs for the item, reports with evidence, asks for closure --------------------------
    login(page, unit_user)
    assert DECISION in page.inner_text("main")
    shot(page, "07-unit-workbench")
    page.get_by_role("link", name=DECISION).first.click()
    page.get_by_role("button", name="签收").click()
    assert "已签收" in page.inner_text(".messages")
    page.locator("form[action$='/report/'] textarea[name=text]").fill("已起草管理办法初稿，征求意见中。")
    page.locator("form[action$='/report/'] input[type=file]").set_input_files([_pdf("初稿.pdf")])
    page.get_by_role("button", name="报送进展").click()
    assert "办理进展已报送" in page.inner_text(".messages")
    page.locator("form[action$='/request-closure/'] textarea[name=text]").fill("管理办法已印发实施。")
    page.get_by_role("button", name="申请销号").click()
    assert "已申请销号" in page.inner_text(".messages")
    shot(page, "08-unit-followup-requested")
    logout(page)

    # --- the approver closes it (销号 is the approver's, docs/design.md) and drafts the next meeting ------
    login(page, approver)
    page.goto("/meetings/followups/")
    shot(page, "09-office-followup-list")
    assignment = FollowUpAssignment.objects.get(unit=unit_user.member_unit)
    page.goto(assignment.get_absolute_url())
    page.get_by_role("button", name="同意销号").click()
    assert "已销号办结" in page.inner_text(".messages")
    shot(page, "10-office-closed")
    next_year, next_half = next_term(year, half)
    page.goto("/meetings/")
    page.fill("#new_year", str(next_year))
    page.select_option("#new_half", str(next_half))
    page.get_by_role("button", name="创建会议（筹备中）").click()
    page.wait_for_url(re.compile(r".*/meetings/\d+/$"))
    first_item = page.locator("#agenda li").first.inner_text()
    assert "上次联席会议决定事项落实情况" in first_item
    assert DECISION in first_item
    row = page.locator("#agenda tr", has_text=DECISION).first.inner_text()
    assert "市农业农村局（牵头）" in row and "已办结" in row
    assert "容城镇（配合）" in row  # 容城镇 has not signed yet
    shot(page, "11-next-meeting-first-item")
    page.goto(f"/committee/units/{unit_user.member_unit_id}/")
    page.get_by_role("link", name="添加联系人").click()
    page.fill("#id_name", "刘联络")
    page.fill("#id_position", "办公室主任")
    page.fill("#id_mobile", "13800001111")
    page.check("#id_is_primary")
    page.get_by_role("button", name="保存").click()
    assert "已保存联系人" in page.inner_text(".messages")
    assert "主要联络员" in page.inner_text("main")
    shot(page, "12-unit-page")
