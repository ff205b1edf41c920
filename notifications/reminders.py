"""The reminder interface shared by the apps.

Each app that has something falling due provides ``<app>/reminders.py`` with
``collect(today: datetime.date) -> Iterable[Reminder]``: every reminder that should exist on that
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

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import import_module

REMINDER_APPS = ("targets", "awards", "meetings")


@dataclass(frozen=True)
class Reminder:
    occasion: str
    recipients: tuple = field(default_factory=tuple)  # User instances
    subject: str = ""
    body: str = ""  # names what is due, when, and what to do
    url: str = ""  # path of the page where it is done, e.g. "/targets/reports/12/"


def collectors() -> Iterator[tuple[str, Callable[..., Iterable[Reminder]]]]:
    """(app, collect) for every app that has a reminders module."""
    for app in REMINDER_APPS:
        try:
            module = import_module(f"{app}.reminders")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.reminders":  # a broken import inside the module is an error
                raise
            continue
        yield app, module.collect


def collect_all(today) -> Iterable[Reminder]:
    for _app, collect in collectors():
        yield from collect(today)
