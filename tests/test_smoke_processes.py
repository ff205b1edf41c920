"""End to end: the real processes of ``make run`` (gunicorn, Celery worker, beat under honcho).

A fresh var directory and SQLite database are prepared as ``make data`` does; a progress report
is made due in three days and the daily reminders are set to run every few seconds; the reminder
must arrive as an e-mail file under ``<var>/mail/`` within a bounded time, once. The worker and beat are
killed with SIGKILL: the web server must keep answering and both must be restarted (scripts/respawn.sh).
Then everything is stopped with SIGTERM, as Ctrl-C on ``make run`` does, and must exit cleanly.

Runs on the embedded default (filesystem broker) and, where Redis is available (CI), on a Redis
server of the test's own.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from scheduler.tests.conftest import free_port, stoppable_redis, wait_until

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SEED = """
import datetime as dt
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from accounts.models import User
from core.models import CalendarDay
from scheduler.services import schedule_update
from targets.models import Plan
from targets.services import period_open

today = timezone.localdate()
# the test may run on a weekend or a holiday: the office's calendar makes today a working day
CalendarDay.objects.update_or_create(date=today, defaults={"is_workday": True})
plan = Plan.objects.get(code="jl-2022-2025")
period, _ = period_open(plan=plan, year=2025, half=2, due_date=today + dt.timedelta(days=3))
report = period.reports.select_related("unit").order_by("unit__order", "unit_id").first()
User.objects.create_user(
    username="smoke_unit", email="smoke-unit@test.jianli.local", role="unit", member_unit=report.unit,
    password="Smoke#Passw0rd-2026",
)
daily = PeriodicTask.objects.get(name="每日提醒")
schedule_update(task=daily, enabled=True, every_seconds=3, by=None)
print(f"OCCASION=report:{report.pk}:due3")
"""


def _env(var: Path, port: int, redis_url: str = "") -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "EMAIL_BACKEND", "CELERY_TASK_ALWAYS_EAGER")
        and not k.startswith("PYTEST")
    }
    env.update(
        JIANLI_VAR_DIR=str(var),
        DATABASE_URL=f"sqlite:///{var}/db.sqlite3",
        WEB_PORT=str(port),
        SITE_URL=f"http://127.0.0.1:{port}",
        DJANGO_SETTINGS_MODULE="jianli_quality.settings",
        PYTHONUNBUFFERED="1",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def _manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,  # setup steps: a fresh migrate takes minutes on a loaded CI machine
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _healthz(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=2) as response:  # noqa: S310
            return response.read() == b"ok"
    except OSError:
        return False


def _mails_with(mail_dir: Path, needle: bytes) -> list[Path]:
    return [p for p in mail_dir.glob("*.log") if needle in p.read_bytes()]


def _supervised(honcho: int, role: str) -> int | None:
    """Pid of the ``celery <role>`` process that scripts/respawn.sh runs under honcho."""
    procs = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        procs[int(entry.name)] = (int(stat[1]), int(stat[2]), cmdline)  # ppid, pgrp, argv

    def under_honcho(pid: int) -> bool:  # honcho gives each process a process group of its own
        while pid > 1:
            pid = procs.get(pid, (0, 0, []))[0]
            if pid == honcho:
                return True
        return False

    for pid, (ppid, _pgrp, argv) in procs.items():
        parent = procs.get(ppid, (0, 0, []))[2]
        if (
            under_honcho(pid)
            and role.encode() in argv
            and any(a.endswith(b"celery") for a in argv)
            and any(a.endswith(b"respawn.sh") for a in parent)
        ):
            return pid
    return None


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(params=["embedded", "redis"])
def broker(request):
    if request.param == "embedded":
        yield ""
        return
    server = stoppable_redis(request.getfixturevalue("require_redis"))
    server.start()
    yield server.url
    server.stop()


def test_make_run_processes_deliver_a_due_reminder_by_email_then_stop_cleanly(tmp_path, broker, migrated_var):
    var = migrated_var(tmp_path / "var")
    port = free_port()
    env = _env(var, port, broker)
    _manage(env, "migrate", "--noinput")  # as `make data` runs it: nothing left to apply
    _manage(env, "load_policy")
    assert "计划任务已就绪" in _manage(env, "setup_schedules")
    occasion = _manage(env, "shell", "-c", SEED).strip().rsplit("OCCASION=", 1)[-1].encode()
    log = (tmp_path / "honcho.log").open("wb")
    honcho = subprocess.Popen(
        [str(BIN / "honcho"), "-f", "Procfile", "start"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopped as a whole below
    )
    try:
        assert wait_until(lambda: _healthz(port), timeout=40, interval=0.5), "gunicorn did not answer"
        needle = b"X-Jianli-Occasion: " + occasion
        mails = wait_until(lambda: _mails_with(var / "mail", needle), timeout=45, interval=0.5)
        assert mails, (
            "no reminder e-mail arrived; honcho output:\n" + (tmp_path / "honcho.log").read_text()[-4000:]
        )
        # the beat keeps firing every 3 seconds: the reminder still exists once
        time.sleep(4)
        mails = _mails_with(var / "mail", needle)
        assert len(mails) == 1
        assert b"smoke-unit@test.jianli.local" in mails[0].read_bytes()
        # the worker and the beat die (OOM killer, kill -9): the web server stays up and both come back
        for role in ("worker", "beat"):
            dead = _supervised(honcho.pid, role)
            assert dead, f"no {role} process under scripts/respawn.sh"
            os.kill(dead, signal.SIGKILL)
            assert _healthz(port)
            back = wait_until(lambda r=role, d=dead: _supervised(honcho.pid, r) not in (None, d), timeout=20)
            assert back, f"the {role} was not restarted:\n" + (tmp_path / "honcho.log").read_text()[-3000:]
        output = (tmp_path / "honcho.log").read_bytes
        assert wait_until(
            lambda: output().count(b"beat: Starting...") >= 2 and output().count(b" ready.") >= 2, timeout=30
        ), output().decode()[-3000:]
        assert _healthz(port) and honcho.poll() is None
    finally:
        if honcho.poll() is None:
            os.killpg(honcho.pid, signal.SIGTERM)
        try:
            honcho.wait(timeout=20)
            stopped = wait_until(lambda: not _group_alive(honcho.pid), timeout=10)
        except subprocess.TimeoutExpired:
            stopped = False
        if not stopped:
            os.killpg(honcho.pid, signal.SIGKILL)
        log.close()
    assert stopped, "the processes did not stop on SIGTERM:\n" + (tmp_path / "honcho.log").read_text()[-4000:]
    assert not (var / "celerybeat.pid").exists()  # beat removed its pid file: a clean exit


KILL_SEED = """
from accounts.models import User
from notifications.services import notify
user = User.objects.create_user(
    username="crash_user", email="crash@test.jianli.local", role="office_staff", password="Crash#Passw0rd-2026"
)
rows = notify(occasion="crash:1", recipients=[user], subject="崩溃测试", body="发送途中工作进程被强制结束。")
print("EMAIL_ID=%d" % next(n.pk for n in rows if n.channel == "email"))
"""


def _status(var: Path, pk: str) -> str:
    with sqlite3.connect(var / "db.sqlite3", timeout=30) as db:
        return db.execute(
            "SELECT status FROM notifications_notification WHERE id = ?", (int(pk),)
        ).fetchone()[0]


def task_id(log_path: Path) -> bytes:
    line = next(ln for ln in log_path.read_bytes().splitlines() if b"deliver_notifications[" in ln)
    return line.split(b"deliver_notifications[", 1)[1].split(b"]", 1)[0]


def _start_worker(env: dict, log) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "celery"), "-A", "jianli_quality", "worker", "--loglevel=INFO", "--concurrency=1"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def test_a_worker_killed_in_the_middle_of_a_send_never_sends_that_mail_twice(tmp_path, migrated_var):
    var = migrated_var(tmp_path / "var")
    env = _env(var, free_port())
    email_id = _manage(env, "shell", "-c", KILL_SEED).strip().rsplit("EMAIL_ID=", 1)[-1]
    log_path = tmp_path / "worker.log"
    log = log_path.open("wb")

    def logged(text: bytes, times: int = 1):
        return lambda: log_path.read_bytes().count(text) >= times

    # the e-mail was queued after commit; a worker whose mail server takes a long time picks it up
    worker = _start_worker({**env, "EMAIL_BACKEND": "scheduler.tests.slow_mail.SlowFileBackend"}, log)
    try:
        pid_file = var / "sending.pid"
        assert wait_until(pid_file.exists, timeout=40, interval=0.3), log_path.read_text()[-3000:]
        assert _status(var, email_id) == "sending"
        # the pool process is killed mid-send (OOM killer, kill -9); the message is not acknowledged
        os.kill(int(pid_file.read_text()), signal.SIGKILL)
        assert wait_until(logged(b"signal 9"), timeout=30, interval=0.3), log_path.read_text()[-3000:]
    finally:
        _stop(worker)
    # a normal worker receives the same message again, then the beat's sweep runs
    worker = _start_worker(env, log)
    try:
        received = b"Task notifications.tasks.deliver_notifications[" + task_id(log_path) + b"] received"
        assert wait_until(logged(received, 2), timeout=40, interval=0.3), log_path.read_text()[-3000:]
        _manage(
            env, "shell", "-c", "from notifications.tasks import deliver_pending; deliver_pending.delay()"
        )
        assert wait_until(logged(b"deliver_pending", 2), timeout=30, interval=0.3)  # received, succeeded
        assert wait_until(logged(b"succeeded", 2), timeout=30, interval=0.3)
    finally:
        _stop(worker)
        log.close()
    assert not list((var / "mail").glob("*.log")), "the interrupted e-mail was sent by a later run"
    assert _status(var, email_id) == "sending"
    # later the sweep retires the stale claim as failed (unknown outcome), for the office to decide
    out = _manage(
        env,
        "shell",
        "-c",
        "import datetime as dt; from django.utils import timezone; from notifications import services as s; "
        "print(s.outbox_release_stale_claims(now=timezone.now() + s.STALE_CLAIM_AFTER + dt.timedelta(minutes=1)))",
    )
    assert out.strip().splitlines()[-1] == "1"
    assert _status(var, email_id) == "failed"


OUTAGE_SEED = """
import sys
from django_celery_beat.models import PeriodicTask
from accounts.models import User
from scheduler.services import schedule_update
sweep = PeriodicTask.objects.get(name="消息发送补偿")
schedule_update(task=sweep, enabled=True, every_seconds=2, by=None)
PeriodicTask.objects.exclude(pk=sweep.pk).update(enabled=False)
User.objects.create_user(username="outage", email="outage@test.jianli.local", role="office_staff",
                         password="Outage#Passw0rd-2026")
"""

NOTIFY = """
import time
from accounts.models import User
from notifications.services import notify
user = User.objects.get(username="outage")
started = time.monotonic()
for i in range({start}, {stop}):
    notify(occasion="outage:%d" % i, recipients=[user], subject="队列中断测试 %d" % i, body="…")
print("SECONDS=%.2f" % (time.monotonic() - started))
"""


def _occasions(mail_dir: Path) -> list[bytes]:
    found = []
    for path in mail_dir.glob("*.log"):
        for line in path.read_bytes().splitlines():
            if line.startswith(b"X-Jianli-Occasion: outage:"):
                found.append(line.split(b": ", 1)[1])
    return found


def _start(env: dict, log, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(ROOT / "scripts" / "respawn.sh"), str(BIN / "celery"), "-A", "jianli_quality", *args],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


@pytest.mark.redis
def test_worker_and_beat_started_while_redis_is_down_survive_a_30_second_outage_and_send_each_mail_once(
    tmp_path, require_redis, migrated_var
):
    """The breaking order: worker and beat first, Redis later; then Redis stops for 30 s. Every message
    recorded before, during and after the outage goes out exactly once, within 60 s of Redis's return;
    neither process has to be restarted (scripts/respawn.sh must not have been needed)."""
    redis = stoppable_redis(require_redis)
    var = migrated_var(tmp_path / "var")
    env = _env(var, free_port(), redis.url)
    _manage(env, "setup_schedules")
    _manage(env, "shell", "-c", OUTAGE_SEED)
    log_path = tmp_path / "celery.log"
    log = log_path.open("wb")
    pidfile = f"--pidfile={var}/celerybeat.pid"
    worker = _start(env, log, "worker", "--loglevel=INFO", "--concurrency=1", "--hostname=outage@%h")
    beat = _start(env, log, "beat", "--loglevel=INFO", pidfile, "--max-interval=1")
    try:
        time.sleep(6)  # Redis is not there yet: both keep trying instead of exiting
        assert b"exited with status" not in log_path.read_bytes(), log_path.read_text()[-3000:]
        redis.start()
        _manage(env, "shell", "-c", NOTIFY.format(start=0, stop=10))
        assert wait_until(lambda: len(_occasions(var / "mail")) >= 10, timeout=60, interval=0.5), (
            log_path.read_text()[-3000:]
        )
        redis.stop()
        outage_started = time.monotonic()
        out = _manage(env, "shell", "-c", NOTIFY.format(start=10, stop=20))
        # recording 10 messages while the broker is down is not held up by it
        assert float(out.rsplit("SECONDS=", 1)[1]) < 5, out
        time.sleep(max(0.0, 30 - (time.monotonic() - outage_started)))
        assert worker.poll() is None and beat.poll() is None
        redis.start()
        back = time.monotonic()
        all_sent = wait_until(lambda: len(_occasions(var / "mail")) >= 20, timeout=60, interval=0.5)
        took = time.monotonic() - back
        assert all_sent, log_path.read_text()[-4000:]
        time.sleep(5)  # further sweeps run: nothing goes out a second time
        occasions = _occasions(var / "mail")
        assert sorted(occasions) == sorted(f"outage:{i}".encode() for i in range(20)), occasions
        assert took < 60
        # the processes reconnected by themselves: the supervisor never had to restart them
        assert b"exited with status" not in log_path.read_bytes()
        with sqlite3.connect(var / "db.sqlite3", timeout=30) as db:
            statuses = db.execute(
                "SELECT status, count(*) FROM notifications_notification WHERE channel='email' GROUP BY status"
            ).fetchall()
        assert statuses == [("sent", 20)]
    finally:
        for process in (beat, worker):
            _stop(process)
        log.close()
        redis.stop()
