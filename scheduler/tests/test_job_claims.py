"""Every scheduled job run twice at the same time (a second beat, a retry, the office's 立即执行) does its
work once: the job is claimed before anything is built (core.jobs), and the services stay idempotent.

The PostgreSQL tests run the real Celery task functions in two threads (two connections). The first
run is held inside its work until the second has finished, so the two really overlap: the second
must find the job claimed and change nothing. A third, later run (a retry) adds nothing either.
"""

import datetime as dt
import threading
from collections import Counter
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from accounts.selectors import office_users
from awards import tasks as award_tasks
from awards.models import Application, ApplicationEvent
from awards.tests.factories import ApplicationFactory, PublicityBatchFactory
from core import jobs
from core import tasks as core_tasks
from core.models import FileCheckRun, JobClaim
from meetings.models import Meeting
from notifications import tasks as notification_tasks
from notifications.models import Notification
from notifications.services import notify
from scheduler import tasks
from scheduler.models import HalfYearReport
from targets.models import Report, ReportingPeriod
from targets.services import period_open
from tests.factories import EnterpriseFactory

SKIPPED = {"skipped": "another run holds the job"}


# --- the claim itself (any database) ------------------------------------------------------------


@pytest.mark.django_db
def test_a_held_job_is_skipped_and_free_again_after_the_run():
    lease = dt.timedelta(minutes=5)
    with jobs.claimed("demo", lease=lease) as mine:
        assert mine
        with jobs.claimed("demo", lease=lease) as second:
            assert not second
    with jobs.claimed("demo", lease=lease) as again:
        assert again
    claim = JobClaim.objects.get(job="demo")
    assert claim.holder == "" and claim.skipped == 1 and claim.finished_at is not None


@pytest.mark.django_db
def test_a_claim_left_by_a_killed_run_expires_after_its_lease():
    token = jobs.claim("demo", lease=dt.timedelta(minutes=15))  # the worker then died: never released
    assert token
    assert jobs.claim("demo", lease=dt.timedelta(minutes=15)) is None
    JobClaim.objects.filter(job="demo").update(held_until=timezone.now() - dt.timedelta(seconds=1))
    assert jobs.claim("demo", lease=dt.timedelta(minutes=15))


@pytest.mark.django_db
def test_a_failing_run_releases_its_claim_for_the_retry(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(tasks.services, "publicity_advance", broken)
    with pytest.raises(RuntimeError):
        tasks.publicity_advance.run("2025-03-11")
    assert JobClaim.objects.get(job="scheduler.tasks.publicity_advance").holder == ""


def test_every_periodic_task_but_the_claimed_outbox_sweep_and_the_heartbeat_is_claimed():
    from scheduler.schedules import SCHEDULES

    row_claimed = {"notifications.tasks.deliver_pending", "core.tasks.health_check"}
    from jianli_quality.celery import app

    for schedule in SCHEDULES:
        if schedule.task in row_claimed:
            continue
        function = app.tasks[schedule.task].run
        assert getattr(function, "__wrapped__", None) is not None, schedule.task  # claimed_job's wrapper


# --- two runs at once on PostgreSQL --------------------------------------------------------------


def _two_runs_at_once(task, module, attribute, *args):
    """Run ``task(*args)`` in two threads; the first waits inside ``module.attribute`` until the second
    returned. Then a third run, as a retry. Returns the three results."""
    real = getattr(module, attribute)
    first_inside = threading.Event()
    second_done = threading.Event()
    first_thread = []

    def held(*a, **kw):
        if threading.current_thread() in first_thread:
            first_inside.set()
            second_done.wait(timeout=30)
        return real(*a, **kw)

    results, errors = {}, []

    def run(label):
        try:
            if label == "second":
                assert first_inside.wait(timeout=30), "the first run never started its work"
            results[label] = task(*args)
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            errors.append((label, exc))
        finally:
            if label == "second":
                second_done.set()
            connection.close()

    with mock.patch.object(module, attribute, side_effect=held):
        first = threading.Thread(target=run, args=("first",))
        second = threading.Thread(target=run, args=("second",))
        first_thread.append(first)
        first.start()
        second.start()
        for thread in (first, second):
            thread.join(timeout=120)
    assert errors == [], errors
    results["retry"] = task(*args)
    return results


def _deliveries():
    """(occasion, recipient, channel) → number of rows; the sent mails by (subject, address)."""
    rows = Counter(Notification.objects.values_list("occasion", "recipient_id", "channel"))
    mails = Counter((m.subject, tuple(m.to)) for m in mail.outbox)
    return rows, mails


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_of_the_half_year_start_open_one_period_and_one_meeting(require_postgres, policy, users):
    results = _two_runs_at_once(tasks.half_year_start, tasks.services, "half_year_open", "2025-07-01")
    assert results["second"] == SKIPPED
    assert results["first"]["period"].startswith("opened 2025H2")
    assert results["retry"]["period"] == "exists" and results["retry"]["meeting"].startswith("exists")
    period = ReportingPeriod.objects.get(year=2025, half=2)
    units = list(period.reports.values_list("unit_id", flat=True))
    assert units and len(units) == len(set(units))  # one report per unit
    assert Meeting.objects.filter(year=2025, half=2).count() == 1
    rows, _ = _deliveries()
    assert rows and set(rows.values()) == {1}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_of_the_daily_reminders_remind_each_unit_once(require_postgres, policy, users):
    period, _ = period_open(plan=policy, year=2025, half=1)  # due 15 July
    before = Notification.objects.count()
    results = _two_runs_at_once(tasks.daily_reminders, tasks.services, "reminders_send", "2025-07-14")
    assert results["second"] == SKIPPED
    assert results["first"]["reminders"]["created"] > 0
    assert results["retry"]["reminders"]["created"] == 0
    reports = Report.objects.filter(period=period)
    due3 = Notification.objects.filter(occasion__in=[f"report:{r.pk}:due3" for r in reports], channel="inapp")
    recipients = list(due3.values_list("occasion", "recipient_id"))
    assert recipients and len(recipients) == len(set(recipients))  # one reminder row per unit user
    rows, _ = _deliveries()
    assert set(rows.values()) == {1} and Notification.objects.count() > before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_of_the_publicity_advance_move_each_application_once(require_postgres, users):
    batch = PublicityBatchFactory(start_date=dt.date(2025, 3, 3), end_date=dt.date(2025, 3, 10))
    applications = [ApplicationFactory(in_publicity=True, publicity_batch=batch) for _ in range(3)]
    results = _two_runs_at_once(tasks.publicity_advance, tasks.services, "publicity_advance", "2025-03-11")
    assert results["second"] == SKIPPED
    assert results["first"] == {"workday": True, "advanced": 3}
    assert results["retry"] == {"workday": True, "advanced": 0}
    assert set(Application.objects.values_list("status", flat=True)) == {Application.Status.AWAITING_PAYMENT}
    for application in applications:  # one state transition each
        assert (
            ApplicationEvent.objects.filter(
                application=application, action=ApplicationEvent.Action.PUBLICITY_END
            ).count()
            == 1
        )
    summary = Notification.objects.filter(occasion="publicity:advance:2025-03-11", channel="inapp")
    office = [u.pk for u in office_users(staff_only=True)]
    assert sorted(summary.values_list("recipient_id", flat=True)) == office  # one each
    assert all(n.subject.startswith("3 项") for n in summary)  # the count of the one run that moved them


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_of_the_half_year_reports_build_once(require_postgres, policy, users):
    period_open(plan=policy, year=2025, half=1)
    results = _two_runs_at_once(
        tasks.half_year_reports, tasks.services, "half_year_reports_due", "2025-07-16"
    )
    assert results["second"] == SKIPPED
    assert results["first"]["built"] == ["2025H1"] and results["retry"]["built"] == []
    assert HalfYearReport.objects.get(key="2025H1").build_count == 1
    ready = Notification.objects.filter(occasion="half_year_report:2025H1:ready", channel="inapp")
    assert ready.count() == len(tasks.services.report_recipients())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_of_the_registrations_digest_send_one_message_each(require_postgres, users):
    EnterpriseFactory(name="待核验企业有限公司")
    results = _two_runs_at_once(
        award_tasks.registrations_digest, award_tasks.services, "registrations_digest"
    )
    assert results["second"] == SKIPPED
    assert results["first"] > 0 and results["retry"] == 0
    day = timezone.localdate().isoformat()
    digest = Notification.objects.filter(occasion=f"registrations:digest:{day}", channel="inapp")
    office = [u.pk for u in office_users(staff_only=True)]
    assert sorted(digest.values_list("recipient_id", flat=True)) == office  # one each


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_of_the_nightly_file_check_record_one_run(require_postgres):
    results = _two_runs_at_once(core_tasks.files_check, core_tasks, "check_files")
    assert results["second"] == SKIPPED
    assert results["first"]["files"] == 0
    assert FileCheckRun.objects.count() == 2  # the first run and the retry, not the skipped one


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_outbox_sweeps_at_once_send_each_mail_once(require_postgres, users):
    """The sweep runs every minute and may overlap itself: its rows are claimed one by one."""
    recipients = [users[k] for k in ("unit_a", "unit_b", "office", "approver", "approver2")]
    with mock.patch("notifications.services.enqueue_delivery"):  # left to the sweeps
        created = notify(occasion="test:sweep", recipients=recipients, subject="测试邮件", body="正文")
    pending = [n for n in created if n.channel == "email"]
    assert len(pending) == len(recipients)
    barrier = threading.Barrier(2)
    errors = []

    def sweep():
        try:
            barrier.wait(timeout=10)
            notification_tasks.deliver_pending()
        except Exception as exc:  # pragma: no cover
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    notification_tasks.deliver_pending()
    sent = Counter(tuple(m.to) for m in mail.outbox if m.subject.endswith("测试邮件"))
    assert sorted(sent) == sorted((u.email,) for u in recipients) and set(sent.values()) == {1}
    assert Notification.objects.filter(occasion="test:sweep", channel="email", status="sent").count() == 5
