"""The Celery health task through a real worker (over Redis in CI)."""

import pytest
from celery.contrib.testing.worker import start_worker

from core.models import WorkerHeartbeat
from core.tasks import health_check
from jianli_quality.celery import app


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_health_task_runs_through_a_real_worker_over_redis(require_redis, settings):
    app.conf.broker_url = require_redis
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            health_check.delay()
            import time

            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                hb = WorkerHeartbeat.objects.filter(name="health", completed_at__isnull=False).first()
                if hb:
                    break
                time.sleep(0.2)
    finally:
        app.conf.broker_url = settings.CELERY_BROKER_URL
    assert hb is not None and hb.completed_at is not None
