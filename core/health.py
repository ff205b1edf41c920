"""What the readiness endpoint and the 后台任务状态 page report: one ``Check`` per part of the stack.

Each check says what it found in Chinese and what to do about it. Apps add their own checks through
``<app>/health.py`` (``checks() -> list[Check]``), registered in their ``AppConfig.ready`` with
``core.health.register`` as they register workbench panels. Every check is cheap
(no file is read here: the file check reports the last ``check_files`` run) and bounded by short
timeouts, so the page answers while the broker or a disk is failing.
"""

import datetime as dt
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from celery import current_app
from django.conf import settings
from django.db import connection
from django.utils import timezone

from .filecheck import last_run
from .models import WorkerHeartbeat

OK, WARN, FAIL = "ok", "warn", "fail"
LEVEL_LABELS = {OK: "正常", WARN: "注意", FAIL: "故障"}
# the beat sends the heartbeat task every 5 minutes and the outbox sweep every minute
HEARTBEAT_MAX_AGE = dt.timedelta(minutes=12)
BEAT_MAX_AGE = dt.timedelta(minutes=5)
FILE_CHECK_MAX_AGE = dt.timedelta(days=2)


@dataclass
class Check:
    code: str
    title: str
    level: str
    summary: str
    action: str = ""
    items: list[str] = field(default_factory=list)

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]


def _ago(when: dt.datetime) -> str:
    seconds = int((timezone.now() - when).total_seconds())
    if seconds < 120:
        return f"{max(seconds, 0)} 秒前"
    if seconds < 7200:
        return f"{seconds // 60} 分钟前"
    return f"{seconds // 3600} 小时前"


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        return Check(
            "database",
            "数据库",
            FAIL,
            f"数据库无法访问（{type(exc).__name__}），所有页面都会出错。",
            "请检查 PostgreSQL 服务是否在运行、DATABASE_URL 是否正确，恢复后本页自动变为正常。",
        )
    return Check("database", "数据库", OK, "数据库可以正常读写。")


def check_broker() -> Check:
    title = "消息队列"
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=1)
    except Exception as exc:
        return Check(
            "broker",
            title,
            FAIL,
            f"无法连接消息队列（{type(exc).__name__}）。用户操作照常保存，邮件与计划任务暂缓执行，"
            "队列恢复后工作进程会自动重连并补发。",
            "请检查 Redis 服务（REDIS_URL）是否在运行；无需重启网站或工作进程。",
        )
    return Check("broker", title, OK, "消息队列连接正常。")


def check_worker() -> Check:
    title = "后台工作进程"
    heartbeat = WorkerHeartbeat.objects.filter(name="health").first()
    done = heartbeat.completed_at if heartbeat else None
    if heartbeat is None or done is None or timezone.now() - done > HEARTBEAT_MAX_AGE:
        seen = f"最近一次回执在 {_ago(done)}" if done else "从未收到回执"
        return Check(
            "worker",
            title,
            FAIL,
            f"后台工作进程没有按时完成心跳任务（{seen}）：邮件、提醒与报告生成可能都停了。",
            "请检查 Celery worker 进程是否在运行（make run 会自动重启它；生产环境见 systemd 服务 "
            "jianli-worker），然后点击“发送检查任务”确认。",
        )
    if (
        heartbeat.requested_at
        and heartbeat.requested_at > done
        and timezone.now() - heartbeat.requested_at > dt.timedelta(minutes=2)
    ):
        return Check(
            "worker",
            title,
            WARN,
            f"最近一次手动检查在 {_ago(heartbeat.requested_at)} 发出，尚未完成（上次回执 {_ago(done)}）。",
            "如几分钟后仍未完成，请检查 Celery worker 与消息队列。",
        )
    return Check("worker", title, OK, f"工作进程 {heartbeat.hostname or ''} 于 {_ago(done)} 完成心跳任务。")


def check_beat() -> Check:
    from django_celery_beat.models import PeriodicTask

    title = "计划任务调度（beat）"
    last = (
        PeriodicTask.objects.filter(enabled=True, last_run_at__isnull=False)
        .order_by("-last_run_at")
        .values_list("last_run_at", flat=True)
        .first()
    )
    if last is None or timezone.now() - last > BEAT_MAX_AGE:
        seen = f"最近一次在 {_ago(last)}" if last else "从未运行"
        return Check(
            "beat",
            title,
            FAIL,
            f"计划任务调度没有按时发出任务（{seen}；“消息发送补偿”应每分钟一次）：提醒、公示推进与报告不会自动执行。",
            "请检查 celery beat 进程是否在运行（只能运行一个），以及“计划任务”页面中的任务是否被停用。",
        )
    return Check("beat", title, OK, f"计划任务调度正常，最近一次发出任务在 {_ago(last)}。")


def check_disk() -> Check:
    title = "存储空间"
    media = settings.MEDIA_ROOT
    try:
        os.makedirs(media, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=media, prefix=f".health-{uuid.uuid4().hex}", delete=True) as f:
            f.write(b"ok")
            f.flush()
    except OSError as exc:
        return Check(
            "disk",
            title,
            FAIL,
            f"文件存储目录无法写入（{exc.strerror or exc}）：用户上传附件会被拒绝（填写的内容会保留）。",
            f"请检查 {media} 所在磁盘是否已满或被挂载为只读，并确认目录权限。",
        )
    usage = shutil.disk_usage(media)
    free_gib = usage.free / 1024**3
    threshold = settings.DISK_FREE_WARN_BYTES
    if usage.free < threshold:
        return Check(
            "disk",
            title,
            WARN,
            f"存储空间剩余 {free_gib:.1f} GiB，低于预警线 {threshold / 1024**3:.1f} GiB；空间用尽后附件将无法上传。",
            "请清理旧备份与日志，或扩充磁盘；备份目录见部署文档。",
        )
    return Check("disk", title, OK, f"存储目录可写，剩余 {free_gib:.1f} GiB。")


def check_files() -> Check:
    title = "存储文件完整性"
    run = last_run()
    if run is None or timezone.now() - run.checked_at > FILE_CHECK_MAX_AGE:
        return Check(
            "files",
            title,
            WARN,
            "近两天没有完成存储文件核对（计划任务“存储文件核对”每天夜间运行一次）。",
            "请确认计划任务在运行，或在服务器上执行 manage.py check_files。",
        )
    problems = [f"缺失：{n}" for n in run.missing] + [f"损坏：{n}" for n in run.damaged]
    orphans = [f"无主：{n}" for n in run.orphans]
    if problems:
        return Check(
            "files",
            title,
            FAIL,
            f"{timezone.localtime(run.checked_at):%m-%d %H:%M} 核对 {run.files} 个文件：缺失 {len(run.missing)} 个，"
            f"损坏 {len(run.damaged)} 个（与上传时的 SHA-256 不符），这些文件下载时会被拒绝。",
            "请从最近的备份恢复这些文件（部署文档“恢复”一节），或请上传人重新上传，然后执行 manage.py check_files 复核。",
            problems + orphans,
        )
    if orphans:
        return Check(
            "files",
            title,
            WARN,
            f"有 {len(run.orphans)} 个文件没有任何记录引用（无主文件，多为中断的上传），占用空间但不影响使用。",
            "核对无误后可执行 manage.py check_files --delete-orphans 删除。",
            orphans,
        )
    return Check(
        "files",
        title,
        OK,
        f"{timezone.localtime(run.checked_at):%m-%d %H:%M} 核对 {run.files} 个文件，全部完好。",
    )


_providers: list[Callable[[], list[Check]]] = []  # in INSTALLED_APPS order (each app's ready())


def register(checks: Callable[[], list[Check]]) -> None:
    """Called from an app's ``AppConfig.ready``; registering twice is harmless."""
    if checks not in _providers:
        _providers.append(checks)


def all_checks() -> list[Check]:
    checks = [check_database(), check_broker(), check_worker(), check_beat(), check_disk(), check_files()]
    for provider in _providers:
        checks.extend(provider())
    return checks


def readiness() -> dict:
    checks = all_checks()
    return {
        "ready": all(c.level != FAIL for c in checks),
        "checked_at": timezone.now().isoformat(),
        "checks": [
            {k: v for k, v in asdict(c).items() if k != "items"} | {"count": len(c.items)} for c in checks
        ],
    }
