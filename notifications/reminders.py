"""The reminder interface shared by the apps.

Each app that has something falling due provides ``<app>/reminders.py`` with
``collect(today: datetime.date) -> Iterable[Reminder]`` and registers it from its ``AppConfig.ready``
(``notifications.reminders.register("app", reminders.collect)``): every reminder that should exist on that
working day. The daily task (scheduler.tasks.daily_reminders) calls every collector on working
days only and hands each reminder to ``notifications.services.notify``; the occasion key makes
sending exactly-once, so a collector simply returns everything currently in its window (e.g. "due
within 14 days") and a reminder missed on a holiday goes out on the next working day.

Occasion keys name the thing and the milestone, never the date it was sent:
``report:<id>:due14``, ``report:<id>:due3``, ``report:<id>:due0``, ``report:<id>:overdue``,
``report:<id>:escalate``, ``topic_call:<meeting id>:closing``, ``followup:<id>:<unit id>:due3`` …

A reminder names what is due and when in ``subject``/``body`` and links to the page where it is
done (``url``, a path such as ``/targets/reports/12/``).
"""

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from accounts.selectors import office_users
from core.dates import cn_date

from . import selectors

_collectors: list[tuple[str, Callable[..., Iterable["Reminder"]]]] = []  # INSTALLED_APPS order


@dataclass(frozen=True)
class Reminder:
    occasion: str
    recipients: tuple = field(default_factory=tuple)  # User instances
    subject: str = ""
    body: str = ""  # names what is due, when, and what to do
    url: str = ""  # path of the page where it is done, e.g. "/targets/reports/12/"


def register(app: str, collect: Callable[..., Iterable[Reminder]]) -> None:
    """Called from an app's ``AppConfig.ready``; registering twice is harmless."""
    if (app, collect) not in _collectors:
        _collectors.append((app, collect))


def collectors() -> Iterator[tuple[str, Callable[..., Iterable[Reminder]]]]:
    """(app, collect) for every app that registered a collector."""
    yield from _collectors


def collect_all(today: dt.date) -> Iterable[Reminder]:
    for _app, collect in collectors():
        yield from collect(today)


def collect(today: dt.date) -> Iterable[Reminder]:
    """The notifications app's own reminder: the office's daily count of e-mails in an unknown state
    (a worker died mid-send). They are never re-sent by themselves (at most once); a person decides."""
    count = selectors.unknown_outcome().count()
    if not count:
        return
    yield Reminder(
        occasion=f"outbox:unknown:{today.isoformat()}",
        recipients=tuple(office_users(staff_only=True)),
        subject=f"有 {count} 封邮件发送状态未知，请确认后重新发送",
        body=(
            f"截至 {cn_date(today)}，有 {count} 封邮件在发送途中工作进程退出，无法确认是否已发出。"
            "为避免重复发送，系统不会自动重发；请在“邮件发送状况”页面确认收件人是否收到，未收到的点击“重新发送”。"
        ),
        url="/notifications/outbox/",
    )
