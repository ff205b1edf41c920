"""Exactly-once delivery through a real Celery worker and beat on a real Redis (run in CI).

Locally: ``REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python -m pytest -m redis scheduler``.
"""

import datetime as dt
import threading
import time

import pytest
from celery import signals
from celery.beat import Service
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from awards.models import Application, ApplicationStatus
from awards.tests.factories import pdf
from core.models import CalendarDay
from jianli_quality.celery import app
from notifications import services as notification_services
from notifications.models import Notification
from notifications.reminders import Reminder
from notifications.tasks import deliver_notifications, deliver_pending
from scheduler import services
from scheduler.schedules import schedules_install
from scheduler.tasks import daily_reminders
from tests.factories import UserFactory

from .conftest import purge, use_broker, wait_until

# one test process at a time on the shared Redis (pytest-xdist): these purge and consume its queue
pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("shared_redis"),
]


@pytest.fixture
def finished_tasks():
    """Names of the tasks the worker has finished, in order."""
    finished: list[str] = []

    def on_postrun(sender=None, **kwargs):
        finished.append(sender.name)

    signals.task_postrun.connect(on_postrun, weak=False)
    yield finished
    signals.task_postrun.disconnect(on_postrun)


@pytest.fixture
def liaison():
    return UserFactory(username="liaison", full_name="联络员", email="liaison@test.jianli.local")


@pytest.fixture
def one_reminder(monkeypatch, liaison):
    """The apps report one reminder in its window every day; the half-year catch-up is left out."""

    def collect(today):
        yield Reminder(
            occasion="report:42:due3",
            recipients=(liaison,),
            subject="2025年下半年进度报告还有 3 天截止报送",
            body="报送截止日为 2026年01月15日。",
            url="/targets/reports/42/",
        )

    monkeypatch.setattr(services, "collectors", lambda: iter([("targets", collect)]))
    monkeypatch.setattr(services, "half_year_open", lambda today: {})
    # the test may run on a weekend: the office's calendar makes today a working day
    CalendarDay.objects.update_or_create(date=timezone.localdate(), defaults={"is_workday": True})


def _worker():
    return start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING")


def test_the_same_delivery_task_received_twice_sends_one_mail(require_redis, liaison, finished_tasks):
    with use_broker(require_redis):
        purge(require_redis)
        notification_services.notify(
            occasion="application:1:submitted:1",
            recipients=[liaison],
            subject="新的奖励申报待初审",
            body="请初审。",
        )
        email = Notification.objects.get(channel="email")
        # the broker hands the same message over twice (a redelivery after a lost ack) and a sweep runs too
        deliver_notifications.apply_async(args=[[email.pk]], task_id="same-message")
        deliver_notifications.apply_async(args=[[email.pk]], task_id="same-message")
        deliver_pending.delay()
        with _worker():
            assert wait_until(lambda: len(finished_tasks) >= 4, timeout=30), finished_tasks
    email.refresh_from_db()
    assert email.status == Notification.Status.SENT and email.attempts == 1
    assert len(mail.outbox) == 1


def test_the_daily_reminders_run_twice_send_each_reminder_once(require_redis, one_reminder, finished_tasks):
    with use_broker(require_redis):
        purge(require_redis)
        daily_reminders.delay()
        daily_reminders.delay()
        with _worker():
            assert wait_until(
                lambda: (
                    finished_tasks.count("scheduler.tasks.daily_reminders") >= 2
                    and Notification.objects.filter(status=Notification.Status.PENDING).count() == 0
                ),
                timeout=30,
            )
            time.sleep(0.5)  # any duplicate delivery task still in the queue gets its chance
    assert Notification.objects.filter(occasion="report:42:due3").count() == 2  # in-app + e-mail
    assert len(mail.outbox) == 1


class CountingScheduler(DatabaseScheduler):
    """The production scheduler, counting what this beat sent."""

    def __init__(self, *args, **kwargs):
        self.sent: list[str] = []
        super().__init__(*args, **kwargs)

    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        result = super().apply_async(entry, producer, advance, **kwargs)
        self.sent.append(entry.name)
        return result


def _run_beat(service: Service):
    try:
        service.start()
    finally:
        connection.close()


def test_two_beats_running_at_once_deliver_each_reminder_once(
    require_redis, one_reminder, users, finished_tasks
):
    schedules_install()
    daily = PeriodicTask.objects.get(name="每日提醒")
    services.schedule_update(task=daily, enabled=True, every_seconds=1, by=users["office"])
    PeriodicTask.objects.exclude(pk=daily.pk).update(enabled=False)
    with use_broker(require_redis):
        purge(require_redis)
        beats = [Service(app, max_interval=0.5, scheduler_cls=CountingScheduler) for _ in range(2)]
        with _worker():
            threads = [threading.Thread(target=_run_beat, args=(b,), daemon=True) for b in beats]
            for t in threads:
                t.start()
            both_sent = wait_until(
                lambda: (
                    all(b.scheduler.sent.count("每日提醒") >= 2 for b in beats if "scheduler" in b.__dict__)
                    and all("scheduler" in b.__dict__ for b in beats)
                ),
                timeout=30,
            )
            for b in beats:
                b.stop(wait=False)
            for t in threads:
                t.join(timeout=10)
            sent = sum(b.scheduler.sent.count("每日提醒") for b in beats)
            assert both_sent, [b.scheduler.sent for b in beats]
            assert wait_until(
                lambda: finished_tasks.count("scheduler.tasks.daily_reminders") >= sent, timeout=60
            ), (sent, finished_tasks)
            wait_until(lambda: not Notification.objects.filter(status="pending").exists(), timeout=10)
    assert Notification.objects.filter(occasion="report:42:due3").count() == 2
    assert len(mail.outbox) == 1
    # no result backend, so the beat adds no "celery.backend_cleanup" task to the office's list
    assert not PeriodicTask.objects.filter(task="celery.backend_cleanup").exists()


def _submit_application(client, user) -> float:
    client.force_login(user)
    started = time.monotonic()
    response = client.post(
        reverse("awards:application_create"),
        {
            "intent": "submit",
            "reward_item": "national_standard",
            "award_date": "2023-05-01",
            "reference": "GB/T 43210-2023",
            "issuing_body": "国家市场监督管理总局",
            "description": "",
            "attachments": pdf(),
            "declaration": "on",
        },
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 302, response.content.decode()[:2000]
    return elapsed


def test_an_application_submitted_while_redis_is_down_is_saved_and_notified_once_when_it_is_back(
    throwaway_redis, users, client, finished_tasks, settings
):
    # Redis is broker and cache in production: both point at the server that is down
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": throwaway_redis.url}
    }
    enterprise_user = users["enterprise_a"]
    enterprise_user.enterprise.verified_at = timezone.now()
    enterprise_user.enterprise.save()
    with use_broker(throwaway_redis.url):
        # Redis is down (never started on its port): the enterprise still submits, and quickly
        elapsed = _submit_application(client, enterprise_user)
        assert elapsed < 15, f"the request waited {elapsed:.1f}s for the broker"
        application = Application.objects.get()
        assert application.status == ApplicationStatus.SUBMITTED
        office_mail = Notification.objects.get(recipient=users["office"], channel="email")
        assert office_mail.status == Notification.Status.PENDING
        assert mail.outbox == []
        # Redis comes back; the worker starts; the beat's minute sweep runs
        throwaway_redis.start()
        with _worker():
            deliver_pending.delay()
            assert wait_until(lambda: "notifications.tasks.deliver_pending" in finished_tasks, timeout=30)
            deliver_pending.delay()  # and the next minute's sweep finds nothing more to send
            assert wait_until(
                lambda: finished_tasks.count("notifications.tasks.deliver_pending") >= 2, timeout=30
            )
    office_mail.refresh_from_db()
    assert office_mail.status == Notification.Status.SENT
    to_office = [m for m in mail.outbox if users["office"].email in m.to]
    assert len(to_office) == 1 and "新的奖励申报待初审" in to_office[0].subject


def test_publishing_to_a_closed_port_fails_fast_instead_of_hanging(throwaway_redis):
    with use_broker(throwaway_redis.url):
        started = time.monotonic()
        with pytest.raises(Exception):  # noqa: B017 - kombu's OperationalError, whatever the wrapping
            deliver_pending.delay()
        assert time.monotonic() - started < 10
        # enqueue_delivery swallows it and remembers the broker is down for a while
        started = time.monotonic()
        assert notification_services.enqueue_delivery([1]) is False
        assert notification_services.enqueue_delivery([1]) is False
        assert time.monotonic() - started < 10


@pytest.mark.parametrize("day", [dt.date(2025, 10, 1)])
def test_the_daily_task_on_a_holiday_sends_nothing_through_the_worker(
    require_redis, one_reminder, finished_tasks, day
):
    with use_broker(require_redis):
        purge(require_redis)
        daily_reminders.delay(day.isoformat())
        with _worker():
            assert wait_until(lambda: "scheduler.tasks.daily_reminders" in finished_tasks, timeout=30)
    assert not Notification.objects.exists()
