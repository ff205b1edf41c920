import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from committee.models import MemberUnit
from core.errors import ServiceError
from core.models import SiteSetting
from meetings import services
from meetings.models import AgendaItem, BusinessKind, Invitation, Meeting, Topic
from notifications.models import Notification

from .factories import draft_meeting, notified_meeting, on, unit

pytestmark = pytest.mark.django_db


def test_draft_for_term_creates_the_meeting_with_invitations_deadline_and_first_item(users):
    meeting, created = services.meeting_draft_for_term(year=2025, half=2)
    assert created
    assert meeting.status == Meeting.Status.PREPARING
    assert meeting.planned_date == dt.date(2025, 12, 15)  # a Monday
    days = SiteSetting.get().topic_call_days_before_meeting
    assert meeting.topic_deadline == meeting.planned_date - dt.timedelta(days=days)
    members = MemberUnit.objects.filter(active=True, is_member=True).count()
    assert meeting.invitations.count() == members
    assert not meeting.invitations.filter(unit__name="市人民政府").exists()
    first = meeting.agenda_items.get()
    assert first.is_generated and first.order == 1
    assert first.business_kind.code == BusinessKind.INSPECTION
    assert meeting.convener.seat.role_id == "office_director"
    assert meeting.convener.person_name == "瞿建民"


def test_draft_for_term_is_idempotent(users):
    first, created = services.meeting_draft_for_term(year=2025, half=1)
    again, created_again = services.meeting_draft_for_term(year=2025, half=1)
    assert created and not created_again
    assert first.pk == again.pk
    assert Meeting.objects.count() == 1
    assert AgendaItem.objects.filter(meeting=first).count() == 1


def test_draft_moves_a_weekend_planned_date_to_the_next_working_day(users):
    meeting = draft_meeting(2024, 1)  # 2024-06-15 is a Saturday
    assert meeting.planned_date == dt.date(2024, 6, 17)


def test_draft_announces_the_topic_call_to_invited_units(users):
    meeting = draft_meeting()
    occasion = f"topic_call:{meeting.pk}:open"
    assert Notification.objects.filter(occasion=occasion, recipient=users["unit_a"]).exists()
    assert not Notification.objects.filter(occasion=occasion, recipient=users["enterprise_a"]).exists()


def test_delegated_convener_is_the_deputy_and_needs_a_note(users):
    meeting = draft_meeting()
    with on(dt.date(2025, 5, 1)):
        with pytest.raises(ServiceError, match="委托说明") as refused:
            services.meeting_update(
                meeting=meeting,
                by=users["office"],
                planned_date=meeting.planned_date,
                place="会议室",
                topic_deadline=meeting.topic_deadline,
                convener_delegated=True,
            )
        assert refused.value.code == "note_required"
        services.meeting_update(
            meeting=meeting,
            by=users["office"],
            planned_date=meeting.planned_date,
            place="会议室",
            topic_deadline=meeting.topic_deadline,
            convener_delegated=True,
            delegation_note="主任出差，委托副主任召集",
        )
    meeting.refresh_from_db()
    assert meeting.convener.person_name == "吴建林"
    assert meeting.convener.seat.role_id == "office_deputy"


def test_topic_deadline_after_meeting_is_refused(users):
    meeting = draft_meeting()
    with on(dt.date(2025, 5, 1)), pytest.raises(ServiceError, match="不能晚于会议召开日期"):
        services.meeting_update(
            meeting=meeting,
            by=users["office"],
            planned_date=meeting.planned_date,
            place="会议室",
            topic_deadline=meeting.planned_date + dt.timedelta(days=1),
        )
    meeting.refresh_from_db()
    assert meeting.place == ""


def test_notice_notifies_invited_units_once(users):
    meeting = notified_meeting(users["office"])
    assert meeting.status == Meeting.Status.NOTIFIED
    rows = Notification.objects.filter(occasion=f"meeting:{meeting.pk}:notice", recipient=users["unit_a"])
    assert rows.count() >= 1
    with pytest.raises(ServiceError, match="已发出") as refused:
        services.meeting_issue_notice(meeting=meeting, by=users["office"])
    assert refused.value.code == "already_notified"


def test_notice_without_place_is_refused(users):
    meeting = draft_meeting()
    with on(dt.date(2025, 5, 1)), pytest.raises(ServiceError, match="会议地点"):
        services.meeting_issue_notice(meeting=meeting, by=users["office"])
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PREPARING


def test_unit_confirms_attendance_with_attendees(users):
    meeting = notified_meeting(users["office"])
    invitation = meeting.invitations.get(unit=users["unit_a"].member_unit)
    with on(dt.date(2025, 6, 1)):
        with pytest.raises(ServiceError, match="参会人员") as refused:
            services.invitation_respond(
                invitation=invitation,
                by=users["unit_a"],
                response=Invitation.Response.ATTENDING,
                attendees="",
            )
        assert refused.value.code == "attendees_required"
        services.invitation_respond(
            invitation=invitation,
            by=users["unit_a"],
            response=Invitation.Response.ATTENDING,
            attendees="施昌好 局长",
        )
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.ATTENDING
    assert invitation.responded_by == users["unit_a"]


def test_another_unit_cannot_answer_an_invitation(users):
    meeting = notified_meeting(users["office"])
    invitation = meeting.invitations.get(unit=users["unit_a"].member_unit)
    with pytest.raises(PermissionDenied):
        services.invitation_respond(
            invitation=invitation, by=users["unit_b"], response=Invitation.Response.ABSENT, attendees=""
        )
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.PENDING


def test_guest_invitation_for_a_non_member_body(users):
    meeting = draft_meeting()
    government = unit("市人民政府")
    services.invitation_add_guest(meeting=meeting, by=users["office"], unit=government)
    services.invitation_add_guest(meeting=meeting, by=users["office"], guest_name="监利市质量协会")
    assert meeting.invitations.filter(is_member=False).count() == 2
    with pytest.raises(ServiceError, match="已在邀请名单中") as refused:
        services.invitation_add_guest(meeting=meeting, by=users["office"], guest_name="监利市质量协会")
    assert refused.value.code == "duplicate"


def _propose(meeting, user, title="推进监利大米区域品牌建设"):
    return services.topic_propose(
        meeting=meeting, by=user, title=title, background="背景", request="请会议研究确定牵头单位"
    )


def test_unit_proposes_a_topic_before_the_deadline_and_the_office_is_told(users):
    meeting = draft_meeting()
    with on(meeting.topic_deadline):
        topic = _propose(meeting, users["unit_a"])
    assert topic.unit == users["unit_a"].member_unit
    assert topic.status == Topic.Status.SUBMITTED
    assert Notification.objects.filter(
        occasion=f"topic:{topic.pk}:submitted", recipient=users["office"]
    ).exists()


def test_topic_after_the_deadline_is_refused(users):
    meeting = draft_meeting()
    with on(meeting.topic_deadline + dt.timedelta(days=1)), pytest.raises(ServiceError, match="截止"):
        _propose(meeting, users["unit_a"])
    assert not Topic.objects.exists()


def test_topic_on_a_meeting_the_unit_is_not_invited_to_is_refused(users):
    meeting = draft_meeting()
    meeting.invitations.filter(unit=users["unit_a"].member_unit).delete()
    with on(dt.date(2025, 5, 1)), pytest.raises(ServiceError, match="未受邀"):
        _propose(meeting, users["unit_a"])
    assert not Topic.objects.exists()


def test_only_unit_users_propose_topics(users):
    meeting = draft_meeting()
    with on(dt.date(2025, 5, 1)), pytest.raises(PermissionDenied):
        _propose(meeting, users["office"])


def test_office_accepts_merges_defers_and_declines_topics(users):
    office = users["office"]
    meeting = draft_meeting()
    kind = BusinessKind.objects.get(code="coordination")
    with on(dt.date(2025, 5, 1)):
        t1 = _propose(meeting, users["unit_a"], "议题一")
        t2 = _propose(meeting, users["unit_b"], "议题二")
        t3 = _propose(meeting, users["unit_a"], "议题三")
        t4 = _propose(meeting, users["unit_b"], "议题四")
        item = services.topic_accept(topic=t1, by=office, business_kind=kind)
        with pytest.raises(ServiceError, match="理由") as refused:
            services.topic_merge(topic=t2, into=t1, by=office, reason="")
        assert refused.value.code == "reason_required"
        services.topic_merge(topic=t2, into=t1, by=office, reason="内容相近，合并研究")
        services.topic_defer(topic=t3, by=office, reason="条件尚不成熟")
        services.topic_decline(topic=t4, by=office, reason="不属于联席会议议事范围")
        with pytest.raises(ServiceError, match="已处理") as refused:
            services.topic_decline(topic=t1, by=office, reason="x")
        assert refused.value.code == "decided"
    assert item.order == 2 and item.business_kind == kind and item.presenter == "市农业农村局"
    statuses = dict(Topic.objects.values_list("title", "status"))
    assert statuses == {
        "议题一": Topic.Status.ACCEPTED,
        "议题二": Topic.Status.MERGED,
        "议题三": Topic.Status.DEFERRED,
        "议题四": Topic.Status.DECLINED,
    }


def test_member_unit_user_cannot_accept_a_topic(users):
    meeting = draft_meeting()
    with on(dt.date(2025, 5, 1)):
        topic = _propose(meeting, users["unit_a"])
        with pytest.raises(PermissionDenied):
            services.topic_accept(topic=topic, by=users["unit_a"], business_kind=BusinessKind.objects.first())
    topic.refresh_from_db()
    assert topic.status == Topic.Status.SUBMITTED


def test_deferred_topic_is_carried_to_the_next_meeting_when_it_is_drafted(users):
    meeting = draft_meeting(2025, 1)
    with on(dt.date(2025, 5, 1)):
        topic = _propose(meeting, users["unit_a"])
        services.topic_defer(topic=topic, by=users["office"], reason="下次会议研究")
    following = draft_meeting(2025, 2)
    carried = following.topics.get()
    assert carried.carried_from == topic and carried.status == Topic.Status.SUBMITTED
    # idempotent: a second draft call carries nothing twice
    draft_meeting(2025, 2)
    assert following.topics.count() == 1


def test_deferred_topic_goes_straight_to_an_existing_next_meeting(users):
    meeting = draft_meeting(2025, 1)
    following = draft_meeting(2025, 2)
    with on(dt.date(2025, 5, 1)):
        topic = _propose(meeting, users["unit_a"])
        services.topic_defer(topic=topic, by=users["office"], reason="下次会议研究")
    assert following.topics.get().carried_from == topic


def test_agenda_is_ordered_and_the_generated_item_stays_first(users):
    office = users["office"]
    meeting = draft_meeting()
    kind = BusinessKind.objects.get(code="policy")
    with on(dt.date(2025, 5, 1)):
        a = services.agenda_item_add(meeting=meeting, by=office, title="甲", business_kind=kind)
        b = services.agenda_item_add(meeting=meeting, by=office, title="乙", business_kind=kind)
        services.agenda_item_move(item=b, by=office, up=True)
        services.agenda_item_move(item=b, by=office, up=True)  # already first movable: no change
        generated = meeting.agenda_items.get(is_generated=True)
        with pytest.raises(ServiceError, match="固定在首位") as refused:
            services.agenda_item_move(item=generated, by=office, up=False)
        assert refused.value.code == "fixed"
        with pytest.raises(ServiceError, match="不能删除") as refused:
            services.agenda_item_remove(item=generated, by=office)
        assert refused.value.code == "fixed"
    titles = list(meeting.agenda_items.order_by("order").values_list("title", flat=True))
    assert titles == [generated.title, "乙", "甲"]
    assert a.pk


def test_removing_an_accepted_item_puts_its_topic_back(users):
    office = users["office"]
    meeting = draft_meeting()
    with on(dt.date(2025, 5, 1)):
        topic = _propose(meeting, users["unit_a"])
        item = services.topic_accept(topic=topic, by=office, business_kind=BusinessKind.objects.first())
        services.agenda_item_remove(item=item, by=office)
    topic.refresh_from_db()
    assert topic.status == Topic.Status.SUBMITTED
    assert meeting.agenda_items.count() == 1


def test_mark_held_requires_the_notice_and_freezes_the_first_item(users):
    office = users["office"]
    meeting = draft_meeting()
    with on(meeting.planned_date), pytest.raises(ServiceError, match="已发通知"):
        services.meeting_mark_held(meeting=meeting, held_on=meeting.planned_date, by=office)
    meeting = notified_meeting(office)
    with on(meeting.planned_date):
        services.meeting_mark_held(meeting=meeting, held_on=meeting.planned_date, by=office)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    assert meeting.minutes_overview.startswith("2025年6月16日")
    generated = meeting.agenda_items.get(is_generated=True)
    assert generated.generated_snapshot["previous"] is None


def test_changing_date_or_place_after_the_notice_tells_the_units(users):
    meeting = notified_meeting(users["office"])
    with on(dt.date(2025, 6, 1)):
        services.meeting_update(
            meeting=meeting,
            by=users["office"],
            planned_date=dt.date(2025, 6, 18),
            place="市政府二楼会议室",
            topic_deadline=meeting.topic_deadline,
        )
    rows = Notification.objects.filter(
        occasion__startswith=f"meeting:{meeting.pk}:changed:", recipient=users["unit_a"]
    )
    assert rows.exists() and "2025年6月18日" in rows.first().body
