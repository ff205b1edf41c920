"""The office's smaller actions through the pages: agenda, guests, decisions, returns."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings import services
from meetings.models import AgendaItem, BusinessKind, FollowUpAssignment, FollowUpItem, Meeting

from .factories import decision, draft_meeting, held_meeting, notified_meeting, on, request_closure

pytestmark = pytest.mark.django_db


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_agenda_add_move_and_remove_through_the_page(client, users):
    meeting = draft_meeting()
    kind = BusinessKind.objects.get(code="policy")
    client.force_login(users["office"])
    with on(dt.date(2025, 5, 1)):
        for title in ("甲", "乙"):
            client.post(
                reverse("meetings:agenda_add", args=[meeting.pk]), {"title": title, "business_kind": kind.pk}
            )
        second = AgendaItem.objects.get(title="乙")
        client.post(reverse("meetings:agenda_move", args=[second.pk, "up"]))
        assert client.post(reverse("meetings:agenda_move", args=[second.pk, "sideways"])).status_code == 404
        assert list(meeting.agenda_items.values_list("title", flat=True).order_by("order"))[1:] == [
            "乙",
            "甲",
        ]
        client.post(reverse("meetings:agenda_remove", args=[second.pk]))
        response = client.post(reverse("meetings:agenda_add", args=[meeting.pk]), {"title": ""}, follow=True)
    assert "这个字段是必填项" in _messages(response)
    assert list(meeting.agenda_items.values_list("title", flat=True).order_by("order"))[1:] == ["甲"]


def test_guest_invitation_through_the_page(client, users):
    meeting = draft_meeting()
    client.force_login(users["office"])
    client.post(reverse("meetings:guest_add", args=[meeting.pk]), {"guest_name": "监利市质量协会"})
    response = client.post(reverse("meetings:guest_add", args=[meeting.pk]), {"guest_name": ""}, follow=True)
    assert "请选择单位或填写受邀单位名称" in _messages(response)
    assert meeting.invitations.filter(is_member=False).count() == 1


def test_mark_held_with_a_future_date_is_refused(client, users):
    meeting = notified_meeting(users["office"])
    client.force_login(users["office"])
    with on(dt.date(2025, 6, 16)):
        response = client.post(
            reverse("meetings:meeting_mark_held", args=[meeting.pk]), {"held_on": "2025-06-20"}, follow=True
        )
    assert "不能晚于今天" in _messages(response)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.NOTIFIED


def test_decision_edit_and_delete_through_the_page(client, users):
    office = users["office"]
    meeting = held_meeting(office)
    item = decision(office, meeting, lead=users["unit_a"].member_unit, deadline=dt.date(2025, 9, 30))
    client.force_login(office)
    url = reverse("meetings:decision_edit", args=[item.pk])
    with on(meeting.held_on):
        assert "制定区域品牌管理办法" in client.get(url).content.decode()
        response = client.post(
            url,
            {
                "title": "改后的决定",
                "lead_unit": users["unit_b"].member_unit_id,
                "co_units": [users["unit_a"].member_unit_id],
                "deadline": "2025-10-31",
            },
        )
        assert response.status_code == 302
        item.refresh_from_db()
        assert (item.title, item.lead_names, item.support_names) == ("改后的决定", "容城镇", "市农业农村局")
        client.post(reverse("meetings:decision_delete", args=[item.pk]))
    assert not FollowUpItem.objects.exists()


def test_approver_returns_signed_minutes_through_the_page(client, users):
    office, approver = users["office"], users["approver"]
    meeting = held_meeting(office)
    services.minutes_update(
        meeting=meeting,
        by=office,
        overview="概况",
        minutes_number="",
        discussions={i.pk: "讨论" for i in meeting.agenda_items.all()},
    )
    services.minutes_sign_off(meeting=meeting, by=approver)
    client.force_login(approver)
    response = client.post(reverse("meetings:minutes_return", args=[meeting.pk]), {"reason": ""}, follow=True)
    assert "这个字段是必填项" in _messages(response)
    client.post(reverse("meetings:minutes_return", args=[meeting.pk]), {"reason": "请补充出席情况"})
    meeting.refresh_from_db()
    assert meeting.minutes_signed_at is None
    client.force_login(office)
    response = client.post(reverse("meetings:minutes_publish", args=[meeting.pk]), follow=True)
    assert "签发后才能发布" in _messages(response)


def test_office_sends_a_closure_request_back_through_the_page(client, users, published):
    a = published.assignments.get(unit=users["unit_a"].member_unit)
    request_closure(a, users["unit_a"])
    client.force_login(users["office"])
    body = client.get(a.get_absolute_url()).content.decode()
    # staff send back; only an approver closes (同意销号)
    assert "同意销号" not in body and "退回继续办理" in body
    client.post(reverse("meetings:followup_return", args=[a.pk]), {"reason": "缺少印发文件"})
    a.refresh_from_db()
    assert a.phase == FollowUpAssignment.Phase.SIGNED
    client.force_login(users["unit_a"])
    body = client.get(a.get_absolute_url()).content.decode()
    assert "缺少印发文件" in body and "申请销号" in body


def test_disguised_evidence_file_is_refused_and_nothing_is_recorded(client, users, published):
    a = published.assignments.get(unit=users["unit_a"].member_unit)
    services.followup_sign(assignment=a, by=users["unit_a"])
    client.force_login(users["unit_a"])
    fake = SimpleUploadedFile("证明.pdf", b"MZ\x90\x00 this is an exe", content_type="application/pdf")
    response = client.post(
        reverse("meetings:followup_report", args=[a.pk]), {"text": "进展", "files": [fake]}, follow=True
    )
    assert "不是允许的格式" in _messages(response)
    assert a.events.count() == 2  # released, signed


def test_decision_form_for_a_published_meeting_is_not_found(client, users, published):
    client.force_login(users["office"])
    assert client.get(reverse("meetings:decision_create", args=[published.agenda_item_id])).status_code == 404
    assert client.get(reverse("meetings:decision_edit", args=[published.pk])).status_code == 404
    assert (
        client.get(reverse("meetings:minutes_edit", args=[published.agenda_item.meeting_id])).status_code
        == 404
    )
