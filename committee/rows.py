"""Table rows of the committee lists written in Python (``core.markup``): one formatted string per
row instead of a template cell by cell, which cost most of these pages."""

from collections.abc import Iterable

from django.utils.safestring import SafeString, mark_safe

from core.dates import table_date
from core.markup import markup, url_pattern

from .models import MemberUnit
from .selectors import RosterEntry

_ROSTER_ROW = (
    "\n        <tr>\n"
    '          <td class="num">{n}</td>\n'
    '          <td class="nowrap">{role}</td>\n'
    '          <td class="nowrap">{person}</td>\n'
    "          <td>{title}</td>\n"
    '          <td class="nowrap"><a href="{unit_url}">{unit}</a></td>\n'
    '          <td class="nowrap">{start}</td>\n'
    '          <td class="actions-cell"><a class="btn btn-sm" href="{seat_url}">{action}</a></td>\n'
    "        </tr>\n      "
)
_UNNAMED = mark_safe('<span class="muted">（未载明）</span>')  # noqa: S308 (constant markup)


def roster_rows(entries: Iterable[RosterEntry], *, can_edit: bool) -> list[SafeString]:
    """One group of the 委员会名单 (``selectors.roster_groups``): appointments with seat, role and unit."""
    unit_url, seat_url = url_pattern("committee:unit_detail"), url_pattern("committee:seat_detail")
    action = "任职记录 / 人事变动" if can_edit else "任职记录"
    return [
        markup(
            _ROSTER_ROW,
            n=n,
            role=e.seat.role.name,
            person=e.person_name or _UNNAMED,
            title=e.seat.display_title,
            unit_url=unit_url % e.seat.unit_id,
            unit=e.seat.unit.name,
            start=table_date(e.start_date, with_time=False) or "—",
            seat_url=seat_url % e.seat.pk,
            action=action,
        )
        for n, e in enumerate(entries, start=1)
    ]


_UNIT_ROW = (
    "\n        <tr>\n"
    '          <td><a href="{url}">{name}</a>{full_name}</td>\n'
    '          <td class="nowrap">{kind}</td>\n'
    "          <td>{member}</td>\n"
    "          <td>{contacts}</td>\n"
    '          <td class="num">{contact_count}</td>\n'
    '          <td class="num">{user_count}</td>\n'
    "        </tr>\n      "
)
_MEMBER = mark_safe('<span class="badge badge-green">是</span>')  # noqa: S308 (constant markup)
_NOT_MEMBER = mark_safe('<span class="badge badge-gray">否</span>')  # noqa: S308 (constant markup)
_NO_CONTACT = mark_safe('<span class="muted">未设置</span>')  # noqa: S308 (constant markup)


def unit_rows(units: Iterable[MemberUnit]) -> list[SafeString]:
    """The 成员单位 list: units annotated with contact_count and user_count, primary contacts in
    ``unit.primary``."""
    detail = url_pattern("committee:unit_detail")
    rows = []
    for u in units:
        primary = getattr(u, "primary", [])
        contacts = (
            mark_safe(  # noqa: S308 (every piece is escaped by markup)
                "".join(
                    markup('{} <span class="muted">{}</span>', c.name, c.mobile or c.phone)
                    if c.mobile or c.phone
                    else markup("{}", c.name)
                    for c in primary
                )
            )
            if primary
            else _NO_CONTACT
        )
        rows.append(
            markup(
                _UNIT_ROW,
                url=detail % u.pk,
                name=u.name,
                full_name=markup('<div class="muted">{}</div>', u.full_name)
                if u.full_name and u.full_name != u.name
                else "",
                kind=u.get_kind_display(),
                member=_MEMBER if u.is_member else _NOT_MEMBER,
                contacts=contacts,
                contact_count=getattr(u, "contact_count", 0),
                user_count=getattr(u, "user_count", 0),
            )
        )
    return rows
