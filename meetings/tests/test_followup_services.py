import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import ServiceError
from meetings import services
from meetings.models import FollowUpAssignment, FollowUpEvent, FollowUpItem, Meeting
from notifications.models import Notification

from .factories import (
    WorkPlanFactory,
    decision,
    held_meeting,
    on,
    publish,
    request_closure,
    unit,
    work_plan_task,
)

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


def _assignment(item, user) -> FollowUpAssignment:
    return item.assignments.get(unit=user.member_unit)


def test_decision_names_lead_and_co_units_and_stays_hidden_until_minutes_are_published(users):
    office = users["office"]
    meeting = held_meeting(office)
    lead, co = users["unit_a"].member_unit, users["unit_b"].member_unit
    item = decision(office, meeting, lead=lead, co=[co, lead], deadline=dt.date(2025, 9, 30))
    roles = sorted(item.assignments.values_list("unit__name", "role"))
    assert roles == [("容城镇", "support"), ("市农业农村局", "lead")]
    assert item.released_at is None
    assert not FollowUpAssignment.objects.released().exists()
    publish(meeting, office, users["approver"])
    item.refresh_from_db()
    assert item.released_at is not None
    assert FollowUpEvent.objects.filter(kind=FollowUpEvent.Kind.RELEASED).count() == 2
    assert Notification.objects.filter(
        occasion=f"followup:{item.pk}:{lead.pk}:released", recipient=users["unit_a"]
    ).exists()


def test_decision_without_a_unit_is_refused(users):
    meeting = held_meeting(users["office"])
    with pytest.raises(ServiceError, match="牵头单位") as refused:
        decision(users["office"], meeting, lead=None, deadline=dt.date(2025, 9, 30))
    assert refused.value.code == "no_unit"
    assert not FollowUpItem.objects.exists()


def test_decision_with_a_deadline_in_the_past_is_refused(users):
    meeting = held_meeting(users["office"])
    with pytest.raises(ServiceError, match="已过") as refused:
        decision(users["office"], meeting, lead=users["unit_a"].member_unit, deadline=dt.date(2025, 6, 15))
    assert refused.value.code == "past_deadline"
    assert not FollowUpItem.objects.exists()


def test_decisions_can_only_be_recorded_for_a_held_meeting_with_unsigned_minutes(users, published):
    meeting = published.agenda_item.meeting
    with on(dt.date(2025, 7, 1)), pytest.raises(ServiceError, match="纪要尚未签发"):
        services.decision_create(
            agenda_item=published.agenda_item,
            by=users["office"],
            title="补充决定",
            lead_unit=users["unit_a"].member_unit,
            deadline=dt.date(2025, 12, 1),
        )
    assert FollowUpItem.objects.filter(agenda_item__meeting=meeting).count() == 1


def test_decision_update_replaces_its_units_before_sign_off(users):
    office = users["office"]
    meeting = held_meeting(office)
    item = decision(office, meeting, lead=users["unit_a"].member_unit, deadline=dt.date(2025, 9, 30))
    with on(meeting.held_on):
        services.decision_update(
            item=item,
            by=office,
            title="改后的决定",
            lead_unit=users["unit_b"].member_unit,
            deadline=dt.date(2025, 10, 31),
        )
    item.refresh_from_db()
    assert item.title == "改后的决定" and item.lead_names == "容城镇"
    with on(meeting.held_on):
        services.decision_delete(item=item, by=office)
    assert not FollowUpItem.objects.exists()


def test_unit_signs_reports_asks_for_closure_and_the_office_closes(users, published):
    a = _assignment(published, users["unit_a"])
    with on(dt.date(2025, 7, 1)):
        services.followup_sign(assignment=a, by=users["unit_a"])
        with pytest.raises(ServiceError, match="已签收") as refused:
            services.followup_sign(assignment=a, by=users["unit_a"])
        assert refused.value.code == "signed"
        event = services.followup_report(
            assignment=a, by=users["unit_a"], text="已起草", files=[SimpleUploadedFile("a.pdf", PDF)]
        )
        assert event.evidence.count() == 1
    with on(dt.date(2025, 9, 29)):
        services.followup_request_closure(assignment=a, by=users["unit_a"], text="已完成")
    assert Notification.objects.filter(recipient=users["office"], occasion__contains=":closure:").exists()
    with on(dt.date(2025, 10, 8)):
        services.followup_close(assignment=a, by=users["approver"], note="同意")
    a.refresh_from_db()
    assert a.phase == FollowUpAssignment.Phase.CLOSED
    assert a.completed_on == dt.date(2025, 9, 29)  # the request date counts, not the office's
    assert a.closed_by == users["approver"]
    kinds = list(a.events.values_list("kind", flat=True))
    assert kinds == ["released", "signed", "progress", "closure_requested", "closed"]


def test_report_before_signing_is_refused(users, published):
    a = _assignment(published, users["unit_a"])
    with pytest.raises(ServiceError, match="请先签收") as refused:
        services.followup_report(assignment=a, by=users["unit_a"], text="x")
    assert refused.value.code == "not_signed"
    assert a.events.count() == 1


def test_another_units_item_cannot_be_signed_or_reported(users, published):
    a = _assignment(published, users["unit_a"])
    with pytest.raises(PermissionDenied):
        services.followup_sign(assignment=a, by=users["unit_b"])
    with pytest.raises(PermissionDenied):
        services.followup_report(assignment=a, by=users["unit_b"], text="x")
    a.refresh_from_db()
    assert a.phase == FollowUpAssignment.Phase.ASSIGNED


def test_member_unit_user_cannot_close_an_item(users, published):
    a = _assignment(published, users["unit_a"])
    request_closure(a, users["unit_a"])
    with pytest.raises(PermissionDenied):
        services.followup_close(assignment=a, by=users["unit_a"])
    a.refresh_from_db()
    assert a.phase == FollowUpAssignment.Phase.REQUESTED


def test_office_staff_who_are_not_approvers_cannot_close_an_item(users, published):
    a = _assignment(published, users["unit_a"])
    request_closure(a, users["unit_a"])
    with pytest.raises(PermissionDenied, match="办公室负责人"):
        services.followup_close(assignment=a, by=users["office"])
    a.refresh_from_db()
    assert a.phase == FollowUpAssignment.Phase.REQUESTED and a.closed_by is None


def test_office_sends_a_closure_request_back_with_a_reason(users, published):
    a = _assignment(published, users["unit_a"])
    request_closure(a, users["unit_a"])
    with pytest.raises(ServiceError, match="理由") as refused:
        services.followup_return(assignment=a, by=users["office"], reason=" ")
    assert refused.value.code == "reason_required"
    services.followup_return(assignment=a, by=users["office"], reason="缺少印发文件")
    a.refresh_from_db()
    assert a.phase == FollowUpAssignment.Phase.SIGNED and a.closure_requested_at is None
    with pytest.raises(ServiceError, match="已申请销号") as refused:
        services.followup_close(assignment=a, by=users["approver"])
    assert refused.value.code == "not_requested"


def test_closing_without_a_request_is_refused(users, published):
    a = _assignment(published, users["unit_a"])
    with pytest.raises(ServiceError, match="申请销号") as refused:
        services.followup_close(assignment=a, by=users["approver"])
    assert refused.value.code == "not_requested"


def test_a_closed_item_takes_no_more_reports(users, published):
    a = _assignment(published, users["unit_a"])
    request_closure(a, users["unit_a"])
    services.followup_close(assignment=a, by=users["approver"])
    with pytest.raises(ServiceError, match="已销号") as refused:
        services.followup_report(assignment=a, by=users["unit_a"], text="再报")
    assert refused.value.code == "closed"


def test_unreleased_decision_cannot_be_signed(users):
    office = users["office"]
    meeting = held_meeting(office)
    item = decision(office, meeting, lead=users["unit_a"].member_unit, deadline=dt.date(2025, 9, 30))
    with pytest.raises(FollowUpAssignment.DoesNotExist):
        services.followup_sign(assignment=_assignment(item, users["unit_a"]), by=users["unit_a"])


def test_work_plan_tasks_are_follow_up_items_released_at_once(users):
    with on(dt.date(2025, 2, 1)):
        task = work_plan_task(
            users["office"],
            lead=unit("市商务局"),
            co=[users["unit_a"].member_unit],
            deadline=dt.date(2025, 6, 30),
        )
    assert task.source == FollowUpItem.Source.WORK_PLAN and task.released_at is not None
    assert task.year == 2025
    a = _assignment(task, users["unit_a"])
    services.followup_sign(assignment=a, by=users["unit_a"])
    assert Notification.objects.filter(occasion=f"followup:{task.pk}:{a.unit_id}:released").exists()


def test_work_plan_year_is_unique(users):
    WorkPlanFactory(year=2025)
    with pytest.raises(ServiceError, match="已存在") as refused:
        services.workplan_create(year=2025, title="", by=users["office"])
    assert refused.value.code == "duplicate"


def test_work_plan_task_with_a_past_deadline_is_refused(users):
    plan = WorkPlanFactory(year=2025)
    with on(dt.date(2025, 7, 1)), pytest.raises(ServiceError, match="已过"):
        services.workplan_task_create(
            work_plan=plan,
            by=users["office"],
            title="任务",
            lead_unit=unit("市商务局"),
            deadline=dt.date(2025, 6, 30),
        )
    assert not plan.tasks.exists()


def test_minutes_sign_off_by_someone_who_is_not_an_approver_is_refused(users):
    meeting = held_meeting(users["office"])
    with pytest.raises(PermissionDenied):
        services.minutes_sign_off(meeting=meeting, by=users["office"])
    meeting.refresh_from_db()
    assert meeting.minutes_signed_at is None


def test_incomplete_minutes_cannot_be_signed(users):
    meeting = held_meeting(users["office"])
    with pytest.raises(ServiceError, match="未填写讨论情况") as refused:
        services.minutes_sign_off(meeting=meeting, by=users["approver"])
    assert refused.value.code == "incomplete"


def test_publishing_needs_the_sign_off_and_the_approver_may_take_it_back(users):
    office, approver = users["office"], users["approver"]
    meeting = held_meeting(office)
    with pytest.raises(ServiceError, match="签发后才能发布") as refused:
        services.minutes_publish(meeting=meeting, by=office)
    assert refused.value.code == "not_signed"
    services.minutes_update(
        meeting=meeting,
        by=office,
        overview="概况",
        minutes_number="",
        discussions={i.pk: "讨论" for i in meeting.agenda_items.all()},
    )
    services.minutes_sign_off(meeting=meeting, by=approver)
    with pytest.raises(ServiceError, match="纪要尚未签发") as refused:
        services.minutes_update(meeting=meeting, by=office, overview="改", minutes_number="", discussions={})
    assert refused.value.code == "locked"
    services.minutes_return(meeting=meeting, by=approver, reason="概况不全")
    meeting.refresh_from_db()
    assert meeting.minutes_signed_at is None and meeting.status == Meeting.Status.HELD
    services.minutes_sign_off(meeting=meeting, by=users["approver2"])
    services.minutes_publish(meeting=meeting, by=office)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED and meeting.minutes_signed_by == users["approver2"]
    assert Notification.objects.filter(
        occasion=f"meeting:{meeting.pk}:minutes", recipient=users["unit_a"]
    ).exists()
