"""督办 that escalates: repeated 催办, escalation to leaders and office, 延期申请, 拒签/退回, overdue list."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.errors import ServiceError
from meetings import reminders, services
from meetings.models import ExtensionRequest, FollowUpAssignment, FollowUpEvent, FollowUpSetting
from meetings.status import urge_round
from notifications.models import Notification
from notifications.services import notify
from tests.factories import UserFactory

from .factories import on


@pytest.fixture
def a(users, published):
    """unit_a's (lead) part of the published decision due 2025-09-30."""
    return FollowUpAssignment.objects.get(item=published, unit=users["unit_a"].member_unit)


def _occasions(day: dt.date) -> dict[str, tuple]:
    return {r.occasion: r.recipients for r in reminders.collect(day)}


@pytest.mark.parametrize(
    "days, interval, expected", [(0, 7, 0), (1, 7, 1), (7, 7, 1), (8, 7, 2), (15, 7, 3), (3, 1, 3)]
)
def test_urge_round(days, interval, expected):
    assert urge_round(days, interval) == expected


def test_urging_repeats_at_the_office_interval_and_escalates_after_n_days(users, published, a):
    setting = FollowUpSetting.get()
    setting.urge_interval_days, setting.escalate_after_days = 5, 10
    setting.save()
    leader = UserFactory(role="unit", member_unit=users["unit_a"].member_unit, username="leader_a")
    setting.leaders.set([leader])
    key = f"followup:{published.pk}:{a.unit_id}"
    # 2025-09-30 deadline: day 1 → first 催办, day 6 → second, day 11 → third + escalation
    assert f"{key}:overdue" in _occasions(dt.date(2025, 10, 1))
    assert f"{key}:urge2" not in _occasions(dt.date(2025, 10, 5))
    assert f"{key}:urge2" in _occasions(dt.date(2025, 10, 6))
    assert f"{key}:escalate" not in _occasions(dt.date(2025, 10, 10))
    found = _occasions(dt.date(2025, 10, 11))
    assert f"{key}:urge3" in found
    recipients = set(found[f"{key}:escalate"])
    assert leader in recipients and users["office"] in recipients and users["approver"] in recipients
    assert users["unit_a"] not in recipients
    # the leader of another unit is not told about unit_a's item
    other_leader = UserFactory(role="unit", member_unit=users["unit_b"].member_unit, username="leader_b")
    setting.leaders.add(other_leader)
    assert other_leader not in _occasions(dt.date(2025, 10, 11))[f"{key}:escalate"]


def test_each_reminder_is_delivered_once_per_recipient_and_occasion(users, published, a):
    counts = []
    for _ in range(2):  # a second beat, a retried task
        for r in reminders.collect(dt.date(2025, 10, 20)):
            notify(occasion=r.occasion, recipients=r.recipients, subject=r.subject, body=r.body, url=r.url)
        counts.append(Notification.objects.count())
    assert counts[0] == counts[1] > 0
    escalate = f"followup:{published.pk}:{a.unit_id}:escalate"
    assert (
        Notification.objects.filter(occasion=escalate, recipient=users["office"], channel="inapp").count()
        == 1
    )


def test_refused_items_are_not_chased_but_go_back_to_the_office(users, published, a):
    with on(dt.date(2025, 8, 1)):
        services.followup_refuse(assignment=a, by=users["unit_a"], reason="不属于本单位职责")
    a.refresh_from_db()
    assert a.phase == "refused"
    assert Notification.objects.filter(
        recipient=users["office"], subject__startswith="督办事项被拒签退回"
    ).exists()
    assert f"followup:{published.pk}:{a.unit_id}:overdue" not in _occasions(dt.date(2025, 10, 1))
    with on(dt.date(2025, 8, 2)):
        with pytest.raises(ServiceError, match="已拒签退回") as refused:
            services.followup_report(assignment=a, by=users["unit_a"], text="进展")
        assert refused.value.code == "refused"
        services.followup_reassign(
            assignment=a, by=users["office"], reason="经研究仍由贵单位牵头", deadline=dt.date(2025, 11, 30)
        )
    a.refresh_from_db()
    assert a.phase == "assigned" and a.deadline == dt.date(2025, 11, 30)
    assert list(a.events.values_list("kind", flat=True))[-2:] == ["refused", "reassigned"]


@pytest.mark.parametrize(
    "who, reason, expected",
    [
        ("unit_b_other", "理由", PermissionDenied),
        ("office", "理由", PermissionDenied),
        ("unit_a", " ", ValidationError),
    ],
)
def test_refusal_rules(users, published, a, who, reason, expected):
    user = users["unit_b"] if who == "unit_b_other" else users[who]
    with on(dt.date(2025, 8, 1)), pytest.raises(expected):
        services.followup_refuse(assignment=a, by=user, reason=reason)
    a.refresh_from_db()
    assert a.phase == "assigned"


def test_reassign_needs_a_refused_item_and_the_office(users, a):
    with on(dt.date(2025, 8, 1)):
        with pytest.raises(ServiceError, match="只有被拒签退回") as refused:
            services.followup_reassign(assignment=a, by=users["office"], reason="意见")
        assert refused.value.code == "not_refused"
        services.followup_refuse(assignment=a, by=users["unit_a"], reason="不属于本单位")
        with pytest.raises(PermissionDenied):
            services.followup_reassign(assignment=a, by=users["unit_a"], reason="意见")
        with pytest.raises(ServiceError, match="已过") as refused:
            services.followup_reassign(
                assignment=a, by=users["office"], reason="意见", deadline=dt.date(2025, 7, 1)
            )
        assert refused.value.code == "past_deadline"
    a.refresh_from_db()
    assert a.phase == "refused"


def test_extension_approved_moves_only_this_units_deadline(users, published, a):
    other = FollowUpAssignment.objects.get(item=published, unit=users["unit_b"].member_unit)
    with on(dt.date(2025, 9, 20)):
        request = services.extension_request(
            assignment=a, by=users["unit_a"], requested_deadline=dt.date(2025, 11, 30), reason="资金未到位"
        )
        assert Notification.objects.filter(
            recipient=users["approver"], subject__startswith="延期申请"
        ).exists()
        with pytest.raises(ServiceError, match="已有一份延期申请") as refused:
            services.extension_request(
                assignment=a, by=users["unit_a"], requested_deadline=dt.date(2025, 12, 31), reason="再次"
            )
        assert refused.value.code == "pending"
        with pytest.raises(PermissionDenied):
            services.extension_decide(request=request, by=users["office"], approve=True)
        services.extension_decide(
            request=request, by=users["approver"], approve=True, new_deadline=dt.date(2025, 10, 31)
        )
    a.refresh_from_db()
    other.refresh_from_db()
    request.refresh_from_db()
    assert request.status == "approved" and request.new_deadline == dt.date(2025, 10, 31)
    assert a.deadline == dt.date(2025, 10, 31) and other.deadline == dt.date(2025, 9, 30)
    assert (
        a.status_on(dt.date(2025, 10, 5)).label != "逾期"
        and other.status_on(dt.date(2025, 10, 5)).label == "逾期"
    )
    assert f"followup:{published.pk}:{a.unit_id}:overdue" not in _occasions(dt.date(2025, 10, 5))
    assert Notification.objects.filter(
        recipient=users["unit_a"], subject__startswith="延期申请已同意"
    ).exists()
    with on(dt.date(2025, 9, 21)), pytest.raises(ServiceError, match="不能再次审批"):
        services.extension_decide(request=request, by=users["approver2"], approve=False, note="不同意")


def test_extension_refused_needs_a_reason_and_keeps_the_deadline(users, a):
    with on(dt.date(2025, 9, 20)):
        request = services.extension_request(
            assignment=a, by=users["unit_a"], requested_deadline=dt.date(2025, 11, 30), reason="资金未到位"
        )
        with pytest.raises(ServiceError, match="须填写理由") as refused:
            services.extension_decide(request=request, by=users["approver"], approve=False, note="")
        assert refused.value.code == "reason_required"
        services.extension_decide(request=request, by=users["approver"], approve=False, note="时限不能延后")
    a.refresh_from_db()
    request.refresh_from_db()
    assert request.status == "refused" and a.deadline == dt.date(2025, 9, 30)
    assert a.events.filter(kind=FollowUpEvent.Kind.EXTENSION_REFUSED).exists()


@pytest.mark.parametrize(
    "requested, who, expected",
    [
        (dt.date(2025, 9, 1), "unit_a", "应晚于现办理时限"),
        (None, "unit_a", "请填写申请延至"),
        (dt.date(2025, 11, 30), "unit_b", "本单位"),
        (dt.date(2025, 11, 30), "office", "本单位"),
    ],
)
def test_extension_request_rules(users, a, requested, who, expected):
    with on(dt.date(2025, 9, 20)), pytest.raises((ValidationError, PermissionDenied), match=expected):
        services.extension_request(assignment=a, by=users[who], requested_deadline=requested, reason="理由")
    assert not ExtensionRequest.objects.exists()


def test_approval_cannot_set_a_deadline_in_the_past(users, a):
    with on(dt.date(2025, 9, 20)):
        request = services.extension_request(
            assignment=a, by=users["unit_a"], requested_deadline=dt.date(2025, 11, 30), reason="理由"
        )
    with on(dt.date(2025, 12, 5)), pytest.raises(ServiceError, match="已过"):
        services.extension_decide(request=request, by=users["approver"], approve=True)
    request.refresh_from_db()
    assert request.status == "pending"


def test_overdue_list_shows_days_overdue(client, users, a):
    client.force_login(users["office"])
    with on(dt.date(2025, 10, 12)):
        page = client.get(reverse("meetings:followup_overdue")).content.decode()
    assert "<strong>12</strong>" in page and "市农业农村局" in page
    client.force_login(users["unit_b"])
    with on(dt.date(2025, 10, 12)):
        page = client.get(reverse("meetings:followup_overdue")).content.decode()
    assert "容城镇" in page and "市农业农村局（牵头）" not in page


def test_urge_notice_is_a_word_document_with_the_round(client, users, a):
    import io

    from docx import Document

    client.force_login(users["office"])
    with on(dt.date(2025, 10, 12)):
        response = client.get(reverse("meetings:followup_notice_docx", args=[a.pk]))
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "催办通知单" in text and "第 2 次催办" in text  # interval 7: day 12 → 2nd


def test_settings_page_validates_and_saves(client, users):
    client.force_login(users["office"])
    url = reverse("meetings:followup_settings")
    bad = client.post(url, {"urge_interval_days": 0, "escalate_after_days": 10})
    assert bad.status_code == 200 and FollowUpSetting.get().urge_interval_days == 7
    bad = client.post(
        url, {"urge_interval_days": 3, "escalate_after_days": 10, "leaders": [users["office"].pk]}
    )
    assert bad.status_code == 200 and FollowUpSetting.get().urge_interval_days == 7
    ok = client.post(
        url, {"urge_interval_days": 3, "escalate_after_days": 10, "leaders": [users["unit_a"].pk]}
    )
    assert ok.status_code == 302
    setting = FollowUpSetting.get()
    assert (setting.urge_interval_days, setting.escalate_after_days) == (3, 10)
    assert list(setting.leaders.all()) == [users["unit_a"]]
    client.force_login(users["unit_a"])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("model", ["extensionrequest", "followupsetting"])
def test_admin_lists_the_new_models(client, users, a, model):
    FollowUpSetting.get()
    with on(dt.date(2025, 9, 20)):
        services.extension_request(
            assignment=a, by=users["unit_a"], requested_deadline=dt.date(2025, 11, 30), reason="理由"
        )
    client.force_login(users["admin"])
    assert client.get(reverse(f"admin:meetings_{model}_changelist")).status_code == 200


def _roster_leader(unit, name, start=dt.date(2024, 1, 1)):
    from committee.models import Appointment, Seat

    seat = Seat.objects.filter(role__group="member", unit=unit, active=True).order_by("order", "id").first()
    if seat is None:
        seat = Seat.objects.create(role_id="member", unit=unit, title="局长", order=99)
    Appointment.objects.filter(seat=seat).delete()
    Appointment.objects.create(seat=seat, person_name=name, start_date=start)
    return seat


def test_escalation_tells_the_rosters_unit_leader_with_contact_else_the_picked_account(
    client, users, published, a
):
    from committee.models import UnitContact

    setting = FollowUpSetting.get()
    setting.escalate_after_days = 10
    setting.save()
    unit_a, unit_b = users["unit_a"].member_unit, users["unit_b"].member_unit
    picked_a = UserFactory(role="unit", member_unit=unit_a, username="picked_a")
    picked_b = UserFactory(role="unit", member_unit=unit_b, username="picked_b")
    setting.leaders.set([picked_a, picked_b])
    seat = _roster_leader(unit_a, "王建国")
    UnitContact.objects.create(unit=unit_a, name="王建国", position="局长", mobile="13900000001")
    own = UserFactory(role="unit", member_unit=unit_a, username="wangjg", full_name="王建国")
    _roster_leader(unit_b, "李四")  # on the roster, but without an account of their own
    b = FollowUpAssignment.objects.get(item=published, unit=unit_b)
    found = {r.occasion: r for r in reminders.collect(dt.date(2025, 10, 11))}
    to_a = found[f"followup:{published.pk}:{unit_a.pk}:escalate"]
    assert own in to_a.recipients and picked_a not in to_a.recipients and users["office"] in to_a.recipients
    assert f"王建国，{seat.title}，联系方式 13900000001" in to_a.body
    to_b = found[f"followup:{published.pk}:{b.unit_id}:escalate"]
    assert picked_b in to_b.recipients and "李四" in to_b.body
    client.force_login(users["office"])
    page = client.get(reverse("meetings:followup_settings")).content.decode()
    assert "王建国" in page and "13900000001" in page and "（本人账户）" in page
    assert "名单中无该领导的账户，改发指定账户" in page
