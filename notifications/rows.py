"""The inbox's entries written in Python (``core.markup``): one string per message instead of a
template with two forms, two URL lookups and two CSRF tokens per entry."""

from collections.abc import Iterable

from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import SafeString, mark_safe

from core.dates import table_date
from core.markup import markup, url_pattern

from .models import Notification

_ENTRY = (
    '\n    <li class="notif-item{unread_class}">\n'
    '      <div class="notif-head">\n'
    "        {dot}\n"
    "        <strong>{subject}</strong>\n"
    '        <span class="muted nowrap">{created}</span>\n'
    "      </div>\n"
    '      <div class="notif-body">{body}</div>\n'
    '      <div class="actions">\n'
    "        {open_form}\n"
    "        {read}\n"
    "      </div>\n"
    "    </li>\n  "
)
_DOT = mark_safe('<span class="dot dot-red" title="未读"></span>')  # noqa: S308 (constant markup)
_UNREAD = mark_safe(" unread")  # noqa: S308 (constant markup)
_OPEN = (
    '<form method="post" action="{}" class="inline">{}'
    '<button class="btn btn-sm btn-primary" type="submit">前往办理</button></form>'
)
_MARK_READ = (
    '<form method="post" action="{}" class="inline">{}<input type="hidden" name="next" value="{}">'
    '<button class="btn btn-sm" type="submit">标为已读</button></form>'
)


def inbox_rows(notifications: Iterable[Notification], *, csrf_token: str, next_url: str) -> list[SafeString]:
    """A page of the inbox; ``csrf_token`` is the page's token (one for every form), ``next_url``
    where 标为已读 returns to."""
    token = markup('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token)
    open_url, read_url = url_pattern("notifications:open"), url_pattern("notifications:mark_read")
    rows = []
    for n in notifications:
        unread = n.is_unread
        if unread:
            read = markup(_MARK_READ, read_url % n.pk, token, next_url)
        else:
            read = markup('<span class="muted">已读于 {}</span>', table_date(n.read_at))
        rows.append(
            markup(
                _ENTRY,
                unread_class=_UNREAD if unread else "",
                dot=_DOT if unread else "",
                subject=n.subject,
                created=table_date(n.created_at),
                body=linebreaksbr(n.body),
                open_form=markup(_OPEN, open_url % n.pk, token) if n.url else "",
                read=read,
            )
        )
    return rows
