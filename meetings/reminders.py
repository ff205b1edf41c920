"""Reminders of the joint meeting and of 督办 (see notifications/reminders.py for the contract).

- ``topic_call:<meeting>:closing``   the topic call closes within the MeetingRule's
                                     ``topic_call_closing_days`` (3) days → invited units
- ``meeting:<meeting>:eve``          the meeting is on the next working day → invited units and office
- ``meeting:<meeting>:notice_due``   still 筹备中 within the MeetingRule's ``notice_lead_days`` of the
                                     meeting → the office (no reminder when the rule sets none)
- ``followup:<item>:<unit>:due<n>``  an open item is due within the MeetingRule's
                                     ``followup_due_days`` n (3: ``due3``) days → that unit
- ``followup:<item>:<unit>:overdue`` an open item is past its deadline → that unit (第 1 次催办)
- ``followup:<item>:<unit>:urge<k>``  still open after each further ``urge_interval_days`` (the
                                     office's 督办设置) → that unit (第 k 次催办, k ≥ 2)
- ``followup:<item>:<unit>:escalate`` overdue by more than ``escalate_after_days`` → the unit's
                                     leader (the roster's 主要负责人 of its member seat, through
                                     their own account; else the accounts picked in 督办设置)
                                     and the office, once; the message names the leader and contact

Items the unit refused (拒签退回) are with the office and are not chased.

(The meeting notice itself is sent by ``meeting_issue_notice`` when the office issues it.)
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q, Subquery
from django.urls import reverse

from accounts.models import User
from accounts.selectors import office_users
from committee.selectors import UnitLeader, unit_leaders, unit_users
from core.dates import cn_date
from core.workdays import add_workdays
from notifications.reminders import Reminder

from .models import FollowUpAssignment, FollowUpSetting, Invitation, Meeting, MeetingRule
from .rules import DEFAULT_REMINDER_DAYS
from .status import urge_round


def _reminder_days() -> tuple[int, int]:
    """(topic call closing, 督办 due) days of the platform's meeting rule; 3 and 3 without one."""
    days = (
        MeetingRule.objects.order_by("pk").values_list("topic_call_closing_days", "followup_due_days").first()
    )
    return days or (DEFAULT_REMINDER_DAYS, DEFAULT_REMINDER_DAYS)


def _users_by_unit(unit_ids: Iterable[int]) -> defaultdict[int | None, list[User]]:
    """The units' users; a unit without any reads as []."""
    by_unit: defaultdict[int | None, list[User]] = defaultdict(list)
    for user in unit_users(unit_ids):
        by_unit[user.member_unit_id].append(user)
    return by_unit


def _invited(meetings: list[Meeting]) -> defaultdict[int, list[int]]:
    """The units invited to each meeting; a meeting without any reads as []."""
    invited: defaultdict[int, list[int]] = defaultdict(list)
    rows = Invitation.objects.filter(meeting__in=meetings, unit__isnull=False).values_list(
        "meeting_id", "unit_id"
    )
    for meeting_id, unit_id in rows:
        invited[meeting_id].append(unit_id)
    return invited


def _meeting_reminders(today: dt.date, closing_days: int) -> list[Reminder]:
    open_statuses = (Meeting.Status.PREPARING, Meeting.Status.NOTIFIED)
    # one query for the topic calls closing and the meetings still 筹备中 ahead (the notice lead
    # time of the rule rides along); split below
    window = Q(topic_deadline__gte=today, topic_deadline__lte=today + dt.timedelta(days=closing_days))
    ahead = Q(status=Meeting.Status.PREPARING, planned_date__gt=today)
    lead = Subquery(MeetingRule.objects.order_by("pk").values("notice_lead_days")[:1])
    candidates = list(
        Meeting.objects.filter(window | ahead, status__in=open_statuses).annotate(notice_lead=lead)
    )
    closing = [m for m in candidates if today <= m.topic_deadline <= today + dt.timedelta(days=closing_days)]
    notice_due = [
        m
        for m in candidates
        if m.status == Meeting.Status.PREPARING
        and m.planned_date > today
        and m.notice_lead is not None
        and (m.planned_date - today).days <= m.notice_lead
    ]
    # the last working day before the meeting (a Monday meeting is announced on Friday)
    next_workday = add_workdays(today, 1)
    eve = list(
        Meeting.objects.filter(
            status=Meeting.Status.NOTIFIED, planned_date__gt=today, planned_date__lte=next_workday
        )
    )
    invited = _invited(closing + eve)
    users = _users_by_unit({u for ids in invited.values() for u in ids})
    office = office_users() if eve or notice_due else []
    out = []
    for m in notice_due:
        out.append(
            Reminder(
                occasion=f"meeting:{m.pk}:notice_due",
                recipients=tuple(office),
                subject=f"请印发会议通知：{m.title}",
                body=(
                    f"{m.full_title}计划于 {cn_date(m.planned_date)} 召开，按联席会议制度应在会前 "
                    f"{m.notice_lead} 天印发会议通知，目前尚未印发。"
                ),
                url=reverse("meetings:meeting_detail", args=[m.pk]),
            )
        )
    for m in closing:
        out.append(
            Reminder(
                occasion=f"topic_call:{m.pk}:closing",
                recipients=tuple(u for unit_id in invited[m.pk] for u in users[unit_id]),
                subject=f"议题征集即将截止：{m.title}",
                body=f"{m.title}议题征集将于 {cn_date(m.topic_deadline)} 截止，如有需提请会议研究的议题请及时提交。",
                url=reverse("meetings:meeting_detail", args=[m.pk]),
            )
        )
    for meeting in eve:
        when = f"{cn_date(meeting.planned_date)}" + (
            f" {meeting.start_time:%H:%M}" if meeting.start_time else ""
        )
        out.append(
            Reminder(
                occasion=f"meeting:{meeting.pk}:eve",
                recipients=tuple(u for unit_id in invited[meeting.pk] for u in users[unit_id])
                + tuple(office),
                subject=f"会议提醒：{meeting.title}",
                body=f"{meeting.full_title}将于 {when} 在 {meeting.place or '（地点见通知）'} 召开，请准时参加。",
                url=reverse("meetings:meeting_detail", args=[meeting.pk]),
            )
        )
    return out


def _followup_reminders(today: dt.date, due_days: int) -> list[Reminder]:
    assignments = list(
        FollowUpAssignment.objects.released()
        .open()
        .exclude(phase=FollowUpAssignment.Phase.REFUSED)
        .filter(deadline__lte=today + dt.timedelta(days=due_days))
        .select_related("item__agenda_item__meeting", "item__work_plan", "unit")
        .order_by("deadline", "pk")
    )
    if not assignments:
        return []
    setting = FollowUpSetting.get()
    users = _users_by_unit({a.unit_id for a in assignments})
    picked: defaultdict[int | None, list[User]] = defaultdict(list)  # 督办设置: the fallback where
    for account in setting.leaders.filter(is_active=True):  # the roster gives no account
        picked[account.member_unit_id].append(account)
    # the office and the units' 主要负责人 from the committee roster, read once when needed
    escalation: tuple[tuple[User, ...], dict[int, UnitLeader]] | None = None
    out = []
    for a in assignments:
        item = a.item
        url = reverse("meetings:followup_detail", args=[a.pk])
        days = (today - a.deadline).days
        if days < 1:
            out.append(
                Reminder(
                    occasion=f"followup:{item.pk}:{a.unit_id}:due{due_days}",
                    recipients=tuple(users[a.unit_id]),
                    subject=f"督办事项即将到期：{item.title}",
                    body=f"督办事项“{item.title}”将于 {cn_date(a.deadline)} 到期，请按时办结并申请销号。",
                    url=url,
                )
            )
            continue
        k = urge_round(days, setting.urge_interval_days)
        out.append(
            Reminder(
                occasion=f"followup:{item.pk}:{a.unit_id}:{'overdue' if k == 1 else f'urge{k}'}",
                recipients=tuple(users[a.unit_id]),
                subject=f"督办事项已逾期 {days} 天（第 {k} 次催办）：{item.title}",
                body=(
                    f"督办事项“{item.title}”的办理时限 {cn_date(a.deadline)} 已过 {days} 天，"
                    "请尽快办结并申请销号，或报送进展说明原因；确需延期的，请在平台提出延期申请。"
                ),
                url=url,
            )
        )
        if days > setting.escalate_after_days:
            if escalation is None:
                escalation = (tuple(office_users()), unit_leaders({x.unit_id for x in assignments}, on=today))
            office, roster = escalation
            leader = roster.get(a.unit_id)
            recipients = tuple(leader.accounts) if leader and leader.accounts else tuple(picked[a.unit_id])
            out.append(
                Reminder(
                    occasion=f"followup:{item.pk}:{a.unit_id}:escalate",
                    recipients=recipients + office,
                    subject=f"督办升级：{a.unit.name}督办事项逾期 {days} 天",
                    body=(
                        f"{a.unit.name}承办的督办事项“{item.title}”（{item.source_label}）办理时限为 "
                        f"{cn_date(a.deadline)}，已逾期 {days} 天（超过 {setting.escalate_after_days} 天）仍未办结，"
                        f"请单位领导{_leader_text(leader)}督促办理，委员会办公室跟踪督办。"
                    ),
                    url=url,
                )
            )
    return out


def _leader_text(leader: UnitLeader | None) -> str:
    """（张三，市农业农村局局长，联系方式 139…）: who the roster names, for the office to call."""
    if leader is None:
        return ""
    contact = leader.contact_text
    return f"（{leader.name}，{leader.title}{'，联系方式 ' + contact if contact else ''}）"


def collect(today: dt.date) -> list[Reminder]:
    closing_days, due_days = _reminder_days()
    return _meeting_reminders(today, closing_days) + _followup_reminders(today, due_days)
