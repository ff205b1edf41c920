"""Liveness, readiness and the 后台任务状态 page: each part of the stack, failing and healthy."""

import datetime as dt
import errno
import json
import time
from collections import namedtuple
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from core.models import FileCheckRun, WorkerHeartbeat
from notifications.models import Notification
from notifications.services import UNKNOWN_OUTCOME
from scheduler.schedules import schedules_install
from scheduler.tests.conftest import free_port
from tests.celery_broker import use_broker

pytestmark = pytest.mark.django_db

Usage = namedtuple("Usage", "total used free")


@pytest.fixture
def healthy(db):
    """Everything as it is on a running site: a fresh heartbeat, a beat that just ran, files checked."""
    now = timezone.now()
    WorkerHeartbeat.objects.create(name="health", hostname="worker@test", completed_at=now)
    schedules_install()
    PeriodicTask.objects.filter(name="消息发送补偿").update(last_run_at=now)
    FileCheckRun.objects.create(files=3)


def _ready(client):
    response = client.get(reverse("core:readyz"))
    return response.status_code, json.loads(response.content)


def _check(report, code):
    return next(c for c in report["checks"] if c["code"] == code)


def test_healthz_is_cheap_liveness_without_the_database(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("core:healthz"))
    assert response.status_code == 200 and response.content == b"ok"
    assert len(queries) == 0


def test_readiness_is_ready_when_every_part_works(client, healthy):
    status, report = _ready(client)
    assert status == 200 and report["ready"] is True, report
    assert {c["code"] for c in report["checks"]} >= {
        "database",
        "broker",
        "worker",
        "beat",
        "disk",
        "files",
        "unknown_messages",
    }
    assert all(c["level"] == "ok" for c in report["checks"]), report


def test_readiness_fails_with_a_chinese_reason_when_worker_and_beat_are_silent(client, healthy):
    late = timezone.now() - dt.timedelta(hours=1)
    WorkerHeartbeat.objects.update(completed_at=late)
    PeriodicTask.objects.update(last_run_at=late)
    status, report = _ready(client)
    assert status == 503 and report["ready"] is False
    worker, beat = _check(report, "worker"), _check(report, "beat")
    assert worker["level"] == beat["level"] == "fail"
    assert "60 分钟前" in worker["summary"] and "Celery worker" in worker["action"]
    assert "celery beat" in beat["action"]


def test_a_broker_that_is_down_is_reported_quickly_and_the_page_still_answers(client, healthy, users):
    with use_broker(f"redis://127.0.0.1:{free_port()}/0"):  # nothing listens there
        started = time.monotonic()
        status, report = _ready(client)
        assert time.monotonic() - started < 5
        client.force_login(users["office"])
        page = client.get(reverse("core:health"))
    assert status == 503 and _check(report, "broker")["level"] == "fail"
    assert "无需重启网站" in _check(report, "broker")["action"]
    assert page.status_code == 200 and "无法连接消息队列" in page.content.decode()


def test_low_free_space_warns_before_the_disk_is_full(client, healthy, settings):
    settings.DISK_FREE_WARN_BYTES = 2 * 1024**3
    with mock.patch(
        "core.health.shutil.disk_usage", return_value=Usage(100 * 1024**3, 99 * 1024**3, 1024**3)
    ):
        status, report = _ready(client)
    disk = _check(report, "disk")
    assert status == 200 and disk["level"] == "warn"  # a warning, not yet a failure
    assert "剩余 1.0 GiB" in disk["summary"] and "低于预警线 2.0 GiB" in disk["summary"]


def test_the_health_page_warns_the_office_when_free_space_is_low(client, healthy, users, settings):
    settings.DISK_FREE_WARN_BYTES = 2 * 1024**3
    client.force_login(users["office"])
    with mock.patch(
        "core.health.shutil.disk_usage", return_value=Usage(100 * 1024**3, 99 * 1024**3, 1024**3)
    ):
        low = client.get(reverse("core:health")).content.decode()
    assert "剩余 1.0 GiB" in low and "低于预警线 2.0 GiB" in low
    with mock.patch(
        "core.health.shutil.disk_usage", return_value=Usage(100 * 1024**3, 50 * 1024**3, 50 * 1024**3)
    ):
        plenty = client.get(reverse("core:health")).content.decode()
    assert "低于预警线" not in plenty


def test_a_read_only_media_directory_fails_readiness(client, healthy):
    # tests run as root (chmod cannot make a directory read-only): the write fails at the boundary
    with mock.patch(
        "core.health.tempfile.NamedTemporaryFile", side_effect=OSError(errno.EROFS, "Read-only file system")
    ):
        status, report = _ready(client)
    assert status == 503 and _check(report, "disk")["level"] == "fail"
    assert "Read-only file system" in _check(report, "disk")["summary"]


def test_the_page_lists_damaged_files_and_unknown_messages_and_refreshes_itself(client, healthy, users):
    FileCheckRun.objects.create(
        files=3, missing=["awards/a.pdf"], damaged=["awards/b.pdf"], orphans=["x.pdf"]
    )
    Notification.objects.create(
        recipient=users["unit_a"],
        occasion="report:1:due3",
        channel="email",
        subject="进度报告提醒",
        body="…",
        status=Notification.Status.FAILED,
        last_error=UNKNOWN_OUTCOME,
    )
    client.force_login(users["office"])
    response = client.get(reverse("core:health"))
    text = response.content.decode()
    assert response.status_code == 200
    assert '<meta http-equiv="refresh" content="30">' in text
    assert "缺失：awards/a.pdf" in text and "损坏：awards/b.pdf" in text and "无主：x.pdf" in text
    assert "有 1 封邮件在发送途中工作进程退出" in text and reverse("notifications:outbox") in text
    status, report = _ready(client)
    assert status == 503 and _check(report, "files")["count"] == 3
    assert "awards/a.pdf" not in json.dumps(report)  # monitors get counts, not file names


@pytest.mark.parametrize(
    "role,status", [("enterprise_a", 403), ("unit_a", 403), ("approver", 200), ("admin", 200)]
)
def test_the_health_page_is_for_the_office_and_admins(client, healthy, users, role, status):
    client.force_login(users[role])
    assert client.get(reverse("core:health")).status_code == status


def test_anonymous_visitors_are_sent_to_login_from_the_health_page(client):
    response = client.get(reverse("core:health"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
