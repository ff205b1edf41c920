"""The Celery health task through a real worker (over Redis in CI)."""

import time

import pytest
from celery.contrib.testing.worker import start_worker

from core.models import WorkerHeartbeat
from core.tasks import health_check
from jianli_quality.celery import app
from tests.celery_broker import use_broker


def _wait_for_heartbeat(timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        heartbeat = WorkerHeartbeat.objects.filter(name="health", completed_at__isnull=False).first()
        if heartbeat:
            return heartbeat
        time.sleep(0.2)
    return None


@pytest.mark.redis
@pytest.mark.xdist_group("shared_redis")  # the same queue as scheduler/tests/test_real_broker.py
@pytest.mark.django_db(transaction=True)
def test_health_task_runs_through_a_real_worker_over_redis(require_redis):
    assert not WorkerHeartbeat.objects.filter(completed_at__isnull=False).exists()
    with (
        use_broker(require_redis),
        start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
    ):
        health_check.delay()
        heartbeat = _wait_for_heartbeat()
    assert heartbeat is not None
    assert heartbeat.hostname
