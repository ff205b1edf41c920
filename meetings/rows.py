"""Table rows of the meetings lists written in Python (``core.markup``): one formatted string per row
instead of a template cell by cell, which cost most of a list page."""

from collections.abc import Iterable

from django.utils.safestring import SafeString
from django.utils.text import Truncator

from core.dates import table_date
from core.markup import markup, url_pattern

from .models import FollowUpAssignment

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


def assignment_rows(assignments: Iterable[FollowUpAssignment]) -> list[SafeString]:
    """The 督办事项 table: assignments annotated ``.with_status(today)`` with item (its meeting or work
    plan) and unit selected."""
    detail = url_pattern("meetings:followup_detail")
    return [
        markup(
            _ASSIGNMENT_ROW,
            badge=a.state.badge,
            url=detail % a.pk,
            title=Truncator(a.item.title).chars(60),
            source=a.item.source_label,
            unit=a.unit.name,
            role=a.get_role_display(),
            deadline=table_date(a.deadline, with_time=False),
            phase=a.get_phase_display(),
        )
        for a in assignments
    ]
