"""Table rows of the meetings lists written in Python (``core.markup``): one formatted string per row
instead of a template cell by cell, which cost most of a list page."""

import datetime as dt
from collections.abc import Iterable

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from core.dates import table_date
from core.markup import markup, url_pattern
from core.templatetags.workdays import unconfirmed

from .models import FollowUpAssignment, Invitation, Meeting, Topic
from .selectors import AssignmentRow

_ASSIGNMENT_ROW = (
    "\n        <tr>\n"
    "          <td>{badge}</td>\n"
    '          <td><a href="{url}">{title}</a></td>\n'
    "          <td>{source}</td>\n"
    '          <td class="nowrap">{unit}<span class="muted">（{role}）</span></td>\n'
    '          <td class="nowrap">{deadline}</td>\n'
    '          <td class="nowrap">{phase}</td>\n'
    "        </tr>\n      "
)


def assignment_rows(assignments: Iterable[AssignmentRow]) -> list[SafeString]:
    """The 督办事项 table (``selectors.assignment_list_rows``)."""
    detail = url_pattern("meetings:followup_detail")
    return [
        markup(
            _ASSIGNMENT_ROW,
            badge=a.state.badge,
            url=detail % a.pk,
            title=Truncator(a.item.title).chars(60),
            source=a.item.source_label,
            unit=a.unit.name,
            role=a.role_label,
            deadline=table_date(a.deadline, with_time=False),
            phase=a.phase_label,
        )
        for a in assignments
    ]


_PANEL_ROW = (
    "\n            <tr>\n"
    "              <td>{badge}</td>\n"
    '              <td><a href="{url}">{title}</a></td>\n'
    "              <td>{source}</td>\n"
    '              <td class="nowrap">{deadline}</td>\n'
    '              <td class="nowrap">{phase}</td>\n'
    "            </tr>\n          "
)


def workbench_assignment_rows(assignments: Iterable[AssignmentRow]) -> list[SafeString]:
    """The 本单位督办事项 table of a unit's workbench (``selectors.unit_open_rows``)."""
    detail = url_pattern("meetings:followup_detail")
    return [
        markup(
            _PANEL_ROW,
            badge=a.state.badge,
            url=detail % a.pk,
            title=Truncator(a.item.title).chars(50),
            source=a.item.source_label,
            deadline=table_date(a.deadline, with_time=False),
            phase=a.phase_label,
        )
        for a in assignments
    ]


_TOPIC_ROW = (
    "\n        <tr>\n"
    '          <td><a href="{url}">{title}</a>{carried}</td>\n'
    '          <td class="nowrap">{unit}</td>\n'
    '          <td class="nowrap">{created}</td>\n'
    '          <td><span class="badge badge-{colour}">{status}</span></td>\n'
    "          <td>{reason}</td>\n"
    "        </tr>\n      "
)
_CARRIED = mark_safe(' <span class="badge badge-blue">上次会议缓议转入</span>')  # noqa: S308 (constant markup)
_TOPIC_COLOURS: dict[str, str] = {
    Topic.Status.SUBMITTED: "amber",
    Topic.Status.ACCEPTED: "green",
    Topic.Status.DECLINED: "red",
}


def topic_rows(topics: Iterable[Topic]) -> list[SafeString]:
    """The 议题 table of a meeting's page: topics with their unit selected."""
    detail = url_pattern("meetings:topic_detail")
    return [
        markup(
            _TOPIC_ROW,
            url=detail % t.pk,
            title=t.title,
            carried=_CARRIED if t.carried_from_id else "",
            unit=t.unit.name,
            created=table_date(t.created_at),
            colour=_TOPIC_COLOURS.get(t.status, "blue"),
            status=t.get_status_display(),
            reason=Truncator(t.reason or "—").chars(60),
        )
        for t in topics
    ]


_INVITATION_ROW = (
    "\n        <tr>\n"
    '          <td class="nowrap">{name}</td>\n'
    "          <td>{kind}</td>\n"
    "          <td>{response}</td>\n"
    "          <td>{attendees}</td>\n"
    '          <td class="nowrap">{responded}</td>\n'
    "        </tr>\n      "
)
_GUEST = mark_safe('<span class="badge badge-blue">特邀</span>')  # noqa: S308 (constant markup)
_RESPONSES: dict[str, SafeString] = {
    response: mark_safe(f'<span class="badge badge-{colour}">{label}</span>')  # noqa: S308 (constants)
    for response, colour, label in (
        (Invitation.Response.ATTENDING, "green", "参加"),
        (Invitation.Response.ABSENT, "amber", "请假"),
        (Invitation.Response.PENDING, "gray", "待回执"),
    )
}


def invitation_rows(invitations: Iterable[Invitation]) -> list[SafeString]:
    """The 回执明细 table of a meeting's page: invitations with their unit selected."""
    return [
        markup(
            _INVITATION_ROW,
            name=i.name,
            kind="成员单位" if i.is_member else _GUEST,
            response=_RESPONSES.get(i.response, _RESPONSES[Invitation.Response.PENDING]),
            attendees=i.attendees or "—",
            responded=table_date(i.responded_at) or "—",
        )
        for i in invitations
    ]


_MEETING_ROW = (
    "\n            <tr>\n"
    '              <td><a href="{url}">{title}</a>{history}</td>\n'
    "              <td>{badge}</td>\n"
    '              <td class="nowrap">{planned}{planned_mark}</td>\n'
    '              <td class="nowrap">{deadline}{deadline_mark}</td>\n'
    "              <td>{place}</td>\n"
    "              {pending}\n"
    "            </tr>\n          "
)
_HISTORY = mark_safe(' <span class="badge badge-gray">历史补录</span>')  # noqa: S308 (constant markup)


def meeting_rows(meetings: Iterable[Meeting], *, is_office: bool) -> list[SafeString]:
    """The 联席会议 list (the office's meetings annotated with ``pending_topics``); a date computed
    from an unknown year's working days is marked “（未确认）” as ``{% unconfirmed %}`` does."""
    detail = url_pattern("meetings:meeting_detail")
    known: dict[int, bool] = {}
    rows = []
    for m in meetings:
        open_for_topics = m.is_open_for_topics
        pending = ""
        if is_office:
            count = getattr(m, "pending_topics", 0)
            pending = markup(
                '<td class="num">{}</td>',
                markup('<span class="badge badge-amber">{}</span>', count) if count else "0",
            )
        rows.append(
            markup(
                _MEETING_ROW,
                url=detail % m.pk,
                title=m.title,
                history=_HISTORY if m.is_history else "",
                badge=m.status_badge,
                planned=table_date(m.planned_date, with_time=False),
                planned_mark=unconfirmed(m.planned_date, known) if open_for_topics else "",
                deadline=table_date(m.topic_deadline, with_time=False),
                deadline_mark=unconfirmed(m.topic_deadline, known) if open_for_topics else "",
                place=m.place or "—",
                pending=pending,
            )
        )
    return rows


def sibling_rows(assignments: Iterable[FollowUpAssignment], today: dt.date) -> list[SafeString]:
    """各单位办理情况 of an item's page: each unit's part (its unit selected) with its status badge."""
    return [
        markup(
            '<li>{}（{}）{} <span class="muted">{}</span></li>',
            a.unit.name,
            a.get_role_display(),
            a.status_on(today).badge,
            a.get_phase_display(),
        )
        for a in assignments
    ]
