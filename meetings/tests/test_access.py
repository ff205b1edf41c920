"""Every page × every role: office, approver, the owning unit, another unit (404), enterprise and
admin (403), anonymous (302 to login). Then the refused actions of the issue, one by one."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings import services
from meetings.models import BusinessKind, FollowUpAssignment, FollowUpItem, Meeting, Topic, WorkPlan

from .factories import decision, draft_meeting, held_meeting, notified_meeting, on, publish

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"
TODAY = dt.date(2025, 10, 10)


@pytest.fixture
def world(users):
    """A published meeting: unit_a invited, proposed a topic (with attachment), leads an overdue
    decision and reported with evidence; unit_b is not invited and has no items."""
    office = users["office"]
    meeting = _meeting_with_topic(users)
    item = decision(office, meeting, lead=users["unit_a"].member_unit, deadline=dt.date(2025, 9, 30))
    publish(meeting, office, users["approver"])
    a = item.assignments.get()
    with on(dt.date(2025, 7, 1)):
        services.followup_sign(assignment=a, by=users["unit_a"])
        event = services.followup_report(
            assignment=a, by=users["unit_a"], text="进展", files=[SimpleUploadedFile("进展.pdf", PDF)]
        )
    meeting.invitations.filter(unit=users["unit_b"].member_unit).delete()
    topic = meeting.topics.get()
    plan = WorkPlan.objects.create(year=2025, title="2025年工作计划")
    return {
        "meeting": meeting,
        "topic": topic,
        "attachment": topic.attachments.get(),
        "assignment": a,
        "evidence": event.evidence.get(),
        "plan": plan,
        "agenda_item": item.agenda_item,
        "item": item,
    }


def _meeting_with_topic(users):
    office = users["office"]
    meeting = notified_meeting(office)
    with on(meeting.topic_deadline):
        topic = services.topic_propose(
            meeting=meeting,
            by=users["unit_a"],
            title="品牌议题",
            background="背景",
            request="请求",
            files=[SimpleUploadedFile("附件.pdf", PDF)],
        )
        services.topic_accept(topic=topic, by=office, business_kind=BusinessKind.objects.get(code="targets"))
    with on(meeting.planned_date):
        services.meeting_mark_held(meeting=meeting, held_on=meeting.planned_date, by=office)
    meeting.refresh_from_db()
    return meeting


# (url name, object key for the argument or None) → expected status per role
UNIT_READ = {"office": 200, "approver": 200, "unit_a": 200, "unit_b": 404, "enterprise_a": 403, "admin": 403}
LIST_READ = {"office": 200, "approver": 200, "unit_a": 200, "unit_b": 200, "enterprise_a": 403, "admin": 403}
OFFICE_ONLY = {
    "office": 200,
    "approver": 200,
    "unit_a": 403,
    "unit_b": 403,
    "enterprise_a": 403,
    "admin": 403,
}

PAGES = [
    ("meetings:meeting_list", None, LIST_READ),
    ("meetings:followup_list", None, LIST_READ),
    ("meetings:meeting_detail", "meeting", UNIT_READ),
    ("meetings:notice_docx", "meeting", UNIT_READ),
    ("meetings:agenda_docx", "meeting", UNIT_READ),
    ("meetings:minutes", "meeting", UNIT_READ),
    ("meetings:minutes_docx", "meeting", UNIT_READ),
    ("meetings:topic_detail", "topic", UNIT_READ),
    ("meetings:topic_attachment", "attachment", UNIT_READ),
    ("meetings:followup_detail", "assignment", UNIT_READ),
    ("meetings:evidence_download", "evidence", UNIT_READ),
    ("meetings:followup_notice_docx", "assignment", OFFICE_ONLY),
    ("meetings:followup_export", None, OFFICE_ONLY),
    ("meetings:workplan_list", None, OFFICE_ONLY),
    ("meetings:workplan_detail", "plan", OFFICE_ONLY),
]


def _url(world, name, key):
    return reverse(name, args=[world[key].pk]) if key else reverse(name)


@pytest.mark.parametrize("name,key,expected", PAGES, ids=[p[0] for p in PAGES])
def test_access_matrix(client, users, world, name, key, expected):
    url = _url(world, name, key)
    with on(TODAY):
        for role, status in expected.items():
            client.force_login(users[role])
            assert client.get(url).status_code == status, (role, url)
        client.logout()
        response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "name,key",
    [("meetings:meeting_edit", "meeting"), ("meetings:decision_create", "agenda_item")],
)
def test_office_forms_are_refused_to_others(client, users, world, name, key):
    url = _url(world, name, key)
    for role in ("unit_a", "enterprise_a", "admin"):
        client.force_login(users[role])
        assert client.get(url).status_code == 403


def test_unpublished_minutes_are_not_shown_to_units(client, users):
    meeting = held_meeting(users["office"])
    client.force_login(users["unit_a"])
    assert client.get(reverse("meetings:minutes", args=[meeting.pk])).status_code == 404
    client.force_login(users["office"])
    assert client.get(reverse("meetings:minutes", args=[meeting.pk])).status_code == 200


def test_units_do_not_see_other_units_topics_on_the_meeting_page(client, users, world):
    meeting = world["meeting"]
    meeting.invitations.create(unit=users["unit_b"].member_unit)
    client.force_login(users["unit_b"])
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert "品牌议题" in body  # on the agenda, which is public to invited units
    assert reverse("meetings:topic_detail", args=[world["topic"].pk]) not in body
    assert client.get(reverse("meetings:topic_detail", args=[world["topic"].pk])).status_code == 404


# --- the refused actions of the issue: clear Chinese message, nothing changed -------------------


def test_topic_after_the_deadline_is_refused_on_the_page(client, users):
    meeting = draft_meeting()
    client.force_login(users["unit_a"])
    with on(meeting.topic_deadline + dt.timedelta(days=1)):
        page = client.get(reverse("meetings:topic_create", args=[meeting.pk])).content.decode()
        response = client.post(
            reverse("meetings:topic_create", args=[meeting.pk]),
            {"title": "晚到", "background": "b", "request": "r"},
        )
    assert "议题征集已截止" in page
    assert response.status_code == 200 and "截止，不能再提交议题" in response.content.decode()
    assert not Topic.objects.exists()


def test_topic_on_a_meeting_the_unit_is_not_invited_to_is_not_found(client, users, world):
    client.force_login(users["unit_b"])
    response = client.post(
        reverse("meetings:topic_create", args=[world["meeting"].pk]),
        {"title": "x", "background": "b", "request": "r"},
    )
    assert response.status_code == 404
    assert Topic.objects.count() == 1


def test_attendance_for_a_meeting_the_unit_is_not_invited_to_is_not_found(client, users, world):
    client.force_login(users["unit_b"])
    response = client.post(
        reverse("meetings:attendance", args=[world["meeting"].pk]),
        {"response": "attending", "attendees": "x"},
    )
    assert response.status_code == 404


def test_another_units_follow_up_item_is_not_found(client, users, world):
    a = world["assignment"]
    client.force_login(users["unit_b"])
    for name in ("followup_sign", "followup_report", "followup_request_closure"):
        assert client.post(reverse(f"meetings:{name}", args=[a.pk]), {"text": "x"}).status_code == 404
    a.refresh_from_db()
    assert a.phase == FollowUpAssignment.Phase.SIGNED and a.events.count() == 3


def test_member_unit_user_trying_to_close_an_item_gets_403(client, users, world):
    a = world["assignment"]
    with on(TODAY):
        services.followup_request_closure(assignment=a, by=users["unit_a"], text="完成")
    client.force_login(users["unit_a"])
    assert client.post(reverse("meetings:followup_close", args=[a.pk]), {"note": ""}).status_code == 403
    assert client.post(reverse("meetings:followup_return", args=[a.pk]), {"reason": "x"}).status_code == 403
    a.refresh_from_db()
    assert a.phase == FollowUpAssignment.Phase.REQUESTED


def test_office_staff_closing_an_item_gets_403_and_sees_no_close_button(client, users, world):
    a = world["assignment"]
    with on(TODAY):
        services.followup_request_closure(assignment=a, by=users["unit_a"], text="完成")
        client.force_login(users["office"])
        page = client.get(reverse("meetings:followup_detail", args=[a.pk])).content.decode()
        response = client.post(reverse("meetings:followup_close", args=[a.pk]), {"note": ""})
        client.force_login(users["approver"])
        approver_page = client.get(reverse("meetings:followup_detail", args=[a.pk])).content.decode()
    close_url = reverse("meetings:followup_close", args=[a.pk])
    assert response.status_code == 403
    assert close_url not in page and reverse("meetings:followup_return", args=[a.pk]) in page
    assert close_url in approver_page
    a.refresh_from_db()
    assert a.phase == FollowUpAssignment.Phase.REQUESTED


def test_member_unit_user_trying_to_accept_a_topic_gets_403(client, users):
    meeting = draft_meeting()
    with on(meeting.topic_deadline):
        topic = services.topic_propose(
            meeting=meeting, by=users["unit_a"], title="t", background="b", request="r"
        )
    client.force_login(users["unit_a"])
    kind = BusinessKind.objects.first()
    response = client.post(
        reverse("meetings:topic_decide", args=[topic.pk]), {"action": "accept", "business_kind": kind.pk}
    )
    assert response.status_code == 403
    topic.refresh_from_db()
    assert topic.status == Topic.Status.SUBMITTED and not meeting.agenda_items.filter(topic=topic).exists()


@pytest.mark.parametrize(
    "data,message",
    [
        ({"title": "无单位的决定", "deadline": "2025-12-31"}, "请指定牵头单位"),
        ({"title": "过期的决定", "deadline": "2025-06-01", "lead_unit": "LEAD"}, "已过"),
        ({"title": "", "deadline": "2025-12-31", "lead_unit": "LEAD"}, "这个字段是必填项"),
    ],
)
def test_bad_decisions_are_refused_on_the_page(client, users, data, message):
    meeting = held_meeting(users["office"])
    item = meeting.agenda_items.get()
    if data.get("lead_unit") == "LEAD":
        data = {**data, "lead_unit": users["unit_a"].member_unit_id}
    client.force_login(users["office"])
    with on(meeting.held_on):
        response = client.post(reverse("meetings:decision_create", args=[item.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not FollowUpItem.objects.exists()


def test_minutes_sign_off_by_office_staff_gets_403(client, users):
    meeting = held_meeting(users["office"])
    client.force_login(users["office"])
    assert client.post(reverse("meetings:minutes_sign", args=[meeting.pk])).status_code == 403
    meeting.refresh_from_db()
    assert meeting.minutes_signed_at is None


def test_incomplete_minutes_sign_off_shows_why(client, users):
    meeting = held_meeting(users["office"])
    client.force_login(users["approver"])
    response = client.post(reverse("meetings:minutes_sign", args=[meeting.pk]), follow=True)
    assert "纪要尚不完整" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes_signed_at is None


def test_unit_cannot_create_or_run_meetings(client, users):
    client.force_login(users["unit_a"])
    assert client.post(reverse("meetings:meeting_create"), {"year": 2025, "half": 1}).status_code == 403
    assert not Meeting.objects.exists()


def test_followup_notice_only_for_overdue_items(client, users, world):
    client.force_login(users["office"])
    with on(dt.date(2025, 9, 1)):
        assert (
            client.get(reverse("meetings:followup_notice_docx", args=[world["assignment"].pk])).status_code
            == 404
        )
