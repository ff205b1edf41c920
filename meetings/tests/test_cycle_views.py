"""The whole cycle through the pages: meeting, topic, agenda, minutes, follow-up, next meeting."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.models import AgendaItem, BusinessKind, FollowUpAssignment, FollowUpItem, Meeting, Topic

from .factories import on

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _ok(response, status=302):
    assert response.status_code == status, response.content.decode()[:2000]
    return response


def test_full_cycle_through_the_pages(client, users):
    office, approver, unit_user = users["office"], users["approver"], users["unit_a"]
    nong = unit_user.member_unit

    with on(dt.date(2025, 1, 6)):
        client.force_login(office)
        _ok(client.post(reverse("meetings:meeting_create"), {"year": 2025, "half": 1}))
        meeting = Meeting.objects.get(year=2025, half=1)
        _ok(client.get(meeting.get_absolute_url()), 200)
        _ok(
            client.post(
                reverse("meetings:meeting_edit", args=[meeting.pk]),
                {
                    "planned_date": "2025-06-16",
                    "start_time": "09:30",
                    "place": "市市场监管局三楼会议室",
                    "topic_deadline": "2025-06-06",
                    "notice_number": "监质办〔2025〕3号",
                },
            )
        )

        client.force_login(unit_user)
        body = client.get(meeting.get_absolute_url()).content.decode()
        assert "提出议题" in body
        _ok(client.get(reverse("meetings:topic_create", args=[meeting.pk])), 200)
        _ok(
            client.post(
                reverse("meetings:topic_create", args=[meeting.pk]),
                {
                    "title": "推进监利大米区域公用品牌建设",
                    "background": "区域品牌分散。",
                    "request": "请会议明确牵头单位。",
                    "files": [SimpleUploadedFile("方案.pdf", PDF, content_type="application/pdf")],
                },
            )
        )
        topic = Topic.objects.get()
        assert topic.attachments.count() == 1
        _ok(client.get(topic.get_absolute_url()), 200)
        _ok(client.get(reverse("meetings:topic_attachment", args=[topic.attachments.get().pk])), 200)

        client.force_login(office)
        _ok(client.get(topic.get_absolute_url()), 200)
        kind = BusinessKind.objects.get(code="coordination")
        _ok(
            client.post(
                reverse("meetings:topic_decide", args=[topic.pk]),
                {"action": "accept", "business_kind": kind.pk},
            )
        )
        _ok(client.post(reverse("meetings:meeting_issue_notice", args=[meeting.pk])))
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.NOTIFIED
        for name in ("notice_docx", "agenda_docx"):
            response = _ok(client.get(reverse(f"meetings:{name}", args=[meeting.pk])), 200)
            assert response["Content-Type"].startswith("application/vnd.openxmlformats")

        client.force_login(unit_user)
        _ok(
            client.post(
                reverse("meetings:attendance", args=[meeting.pk]),
                {"response": "attending", "attendees": "施昌好 局长"},
            )
        )

    with on(dt.date(2025, 6, 16)):
        client.force_login(office)
        _ok(client.post(reverse("meetings:meeting_mark_held", args=[meeting.pk]), {"held_on": "2025-06-16"}))
        items = list(meeting.agenda_items.order_by("order"))
        _ok(client.get(reverse("meetings:minutes_edit", args=[meeting.pk])), 200)
        data = {"overview": "会议研究了以下事项。", "minutes_number": "第1期"}
        data.update({f"discussion_{i.pk}": f"会议讨论了{i.title}。" for i in items})
        _ok(client.post(reverse("meetings:minutes_edit", args=[meeting.pk]), data))
        accepted = AgendaItem.objects.get(topic=topic)
        _ok(client.get(reverse("meetings:decision_create", args=[accepted.pk])), 200)
        _ok(
            client.post(
                reverse("meetings:decision_create", args=[accepted.pk]),
                {
                    "title": "制定监利大米区域公用品牌管理办法",
                    "lead_unit": nong.pk,
                    "co_units": [users["unit_b"].member_unit_id],
                    "deadline": "2025-09-30",
                },
            )
        )
        decision = FollowUpItem.objects.get()
        assert decision.assignments.count() == 2
        _ok(client.get(reverse("meetings:minutes", args=[meeting.pk])), 200)

        client.force_login(approver)
        _ok(client.post(reverse("meetings:minutes_sign", args=[meeting.pk])))
        client.force_login(office)
        _ok(client.post(reverse("meetings:minutes_publish", args=[meeting.pk])))
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.PUBLISHED
        _ok(client.get(reverse("meetings:minutes_docx", args=[meeting.pk])), 200)

    assignment = FollowUpAssignment.objects.get(item=decision, unit=nong)
    with on(dt.date(2025, 7, 1)):
        client.force_login(unit_user)
        assert "制定监利大米区域公用品牌管理办法" in client.get(reverse("core:workbench")).content.decode()
        _ok(client.get(reverse("meetings:minutes", args=[meeting.pk])), 200)
        _ok(client.post(reverse("meetings:followup_sign", args=[assignment.pk])))
        _ok(
            client.post(
                reverse("meetings:followup_report", args=[assignment.pk]),
                {"text": "已起草管理办法初稿。", "files": [SimpleUploadedFile("初稿.pdf", PDF)]},
            )
        )
        _ok(
            client.post(
                reverse("meetings:followup_request_closure", args=[assignment.pk]), {"text": "办法已印发。"}
            )
        )
        _ok(client.get(assignment.get_absolute_url()), 200)

        client.force_login(office)
        _ok(client.get(reverse("meetings:followup_list")), 200)
        client.force_login(approver)  # 销号 is the approver's (docs/design.md)
        _ok(client.post(reverse("meetings:followup_close", args=[assignment.pk]), {"note": "同意销号"}))
        assignment.refresh_from_db()
        assert assignment.phase == FollowUpAssignment.Phase.CLOSED
        assert assignment.completed_on == dt.date(2025, 7, 1)

        _ok(client.post(reverse("meetings:meeting_create"), {"year": 2025, "half": 2}))
        following = Meeting.objects.get(year=2025, half=2)
        body = client.get(following.get_absolute_url()).content.decode()
        assert "制定监利大米区域公用品牌管理办法" in body
        assert "已办结" in body
