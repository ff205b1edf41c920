"""The platform's periodic tasks, declared once here and installed into django-celery-beat's
database schedule by ``python manage.py setup_schedules``.

Crontabs run in Asia/Shanghai. The tasks that act on working days run every day and check the
working-day calendar themselves (core.workdays): a cron expression cannot know 春节 or a make-up
Saturday.

Installing is idempotent and respects the office's edits: a missing task is created with the
declared schedule; an existing one keeps its schedule (crontab / interval) and its enabled flag as
edited in admin or on /scheduler/schedules/, while the code-owned parts (task path, arguments,
description, expiry) are brought up to date. ``setup_schedules --reset`` restores the declared
schedule and enables every task.
"""

import json
from dataclasses import dataclass, field

from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class Schedule:
    name: str  # PeriodicTask.name: the stable key, shown in admin
    task: str
    description: str
    crontab: dict | None = None  # minute, hour, day_of_month, month_of_year, day_of_week
    every_seconds: int | None = None
    kwargs: dict = field(default_factory=dict)
    # a run not started within this many seconds is dropped (the next run covers it): a worker
    # that was down for a day does not face a pile of stale sweeps
    expire_seconds: int | None = None

    @property
    def when(self) -> str:
        if self.every_seconds:
            return f"每 {self.every_seconds} 秒"
        return crontab_text(**self.crontab)


def crontab_text(*, minute: str, hour: str, day_of_month: str, month_of_year: str, day_of_week: str) -> str:
    """A crontab in words, e.g. "每天 08:30", "1、7月1日 08:10"."""
    if month_of_year == "*" and day_of_month == "*":
        days = "每天"
    else:
        days = ("每月" if month_of_year == "*" else f"{month_of_year.replace(',', '、')}月") + (
            "" if day_of_month == "*" else f"{day_of_month.replace(',', '、')}日"
        )
    if day_of_week != "*":
        days += f"（星期 {day_of_week}）"
    if hour.isdigit() and minute.isdigit():
        return f"{days} {int(hour):02d}:{int(minute):02d}"
    return f"{days} {hour} 时 {minute} 分"


def crontab_in_words(crontab) -> str:
    """A django-celery-beat CrontabSchedule in words."""
    return crontab_text(
        minute=crontab.minute,
        hour=crontab.hour,
        day_of_month=crontab.day_of_month,
        month_of_year=crontab.month_of_year,
        day_of_week=crontab.day_of_week,
    )


def _cron(minute="0", hour="*", day_of_month="*", month_of_year="*", day_of_week="*") -> dict:
    return {
        "minute": minute,
        "hour": hour,
        "day_of_month": day_of_month,
        "month_of_year": month_of_year,
        "day_of_week": day_of_week,
    }


SCHEDULES: tuple[Schedule, ...] = (
    Schedule(
        name="半年周期启动",
        task="scheduler.tasks.half_year_start",
        description=(
            "每年1月1日、7月1日上午：开启本半年的进度报送期次（每个成员单位一份报告），"
            "起草本半年的联席会议并发出议题征集。当天不是工作日时顺延到第一个工作日"
            "（由“每日提醒”补做）。可重复执行，已开启的不会重复创建。"
        ),
        crontab=_cron(minute="10", hour="8", day_of_month="1", month_of_year="1,7"),
        expire_seconds=None,
    ),
    Schedule(
        name="公示期届满自动推进",
        task="scheduler.tasks.publicity_advance",
        description="每个工作日上午：公示期已满且无未处理异议的奖励申请自动转入待拨付（非工作日不执行）。",
        crontab=_cron(minute="20", hour="8"),
        expire_seconds=12 * 3600,
    ),
    Schedule(
        name="每日提醒",
        task="scheduler.tasks.daily_reminders",
        description=(
            "每个工作日上午（法定节假日不发，调休上班日照发）：报告截止前14天、3天、当天及逾期提醒"
            "（逾期7天起提醒办公室），议题征集截止、会议通知与会前一天提醒，督办事项到期与逾期，"
            "超过服务时限待审的申请。节假日错过的提醒在下一个工作日发出，每条提醒只发一次。"
        ),
        crontab=_cron(minute="30", hour="8"),
        expire_seconds=12 * 3600,
    ),
    Schedule(
        name="半年进度报告生成",
        task="scheduler.tasks.half_year_reports",
        description=(
            "每个工作日上午：报送截止日已过、尚未生成报告的期次，生成半年进度报告（Excel 与 Word），"
            "存档并通知办公室。"
        ),
        crontab=_cron(minute="40", hour="8"),
        expire_seconds=12 * 3600,
    ),
    Schedule(
        name="消息发送补偿",
        task="notifications.tasks.deliver_pending",
        description="每分钟：发送发件箱中待发送的邮件（消息队列曾不可用、或发送失败后到了重试时间）。",
        every_seconds=60,
        expire_seconds=120,
    ),
    Schedule(
        name="后台任务心跳",
        task="core.tasks.health_check",
        description="每5分钟：工作进程完成一次心跳任务，“后台任务状态”页据此判断工作进程是否在运行。",
        every_seconds=300,
        expire_seconds=240,
    ),
    Schedule(
        name="存储文件核对",
        task="core.tasks.files_check",
        description="每天凌晨：核对所有存储文件与上传时的 SHA-256，列出缺失、损坏与无主文件（见“后台任务状态”）。",
        crontab=_cron(minute="30", hour="2"),
        expire_seconds=12 * 3600,
    ),
)


@dataclass
class InstallResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    reset: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # in the database, not declared here


def _schedule_object(schedule: Schedule):
    if schedule.every_seconds:
        obj, _ = IntervalSchedule.objects.get_or_create(
            every=schedule.every_seconds, period=IntervalSchedule.SECONDS
        )
        return {"interval": obj, "crontab": None}
    obj = CrontabSchedule.objects.filter(timezone=TIMEZONE, **schedule.crontab).first()
    if obj is None:
        obj = CrontabSchedule.objects.create(timezone=TIMEZONE, **schedule.crontab)
    return {"crontab": obj, "interval": None}


@transaction.atomic
def schedules_install(*, reset: bool = False) -> InstallResult:
    """Create the declared periodic tasks; keep the office's schedule edits unless ``reset``."""
    result = InstallResult()
    declared_names = {s.name for s in SCHEDULES}
    for schedule in SCHEDULES:
        owned = {
            "task": schedule.task,
            "kwargs": json.dumps(schedule.kwargs, ensure_ascii=False, sort_keys=True),
            "args": "[]",
            "description": schedule.description,
            "expire_seconds": schedule.expire_seconds,
        }
        # race: two setup_schedules at once; the row lock makes the second see the first's result
        task = PeriodicTask.objects.select_for_update().filter(name=schedule.name).first()
        if task is None:
            PeriodicTask.objects.create(
                name=schedule.name, enabled=True, **owned, **_schedule_object(schedule)
            )
            result.created.append(schedule.name)
            continue
        changed = [k for k, v in owned.items() if getattr(task, k) != v]
        for key in changed:
            setattr(task, key, owned[key])
        if reset:
            for key, value in _schedule_object(schedule).items():
                if getattr(task, key) != value:
                    setattr(task, key, value)
                    changed.append(key)
            if not task.enabled:
                task.enabled = True
                changed.append("enabled")
            if task.solar_id or task.clocked_id:
                task.solar = task.clocked = None
                changed.append("schedule")
        if changed:
            task.save()
            (result.reset if reset else result.updated).append(schedule.name)
        else:
            result.unchanged.append(schedule.name)
    ours = ("scheduler.", "notifications.")
    for task in PeriodicTask.objects.exclude(name__in=declared_names):
        if task.task.startswith(ours):
            result.unknown.append(task.name)
    return result


def declared(name: str) -> Schedule | None:
    return next((s for s in SCHEDULES if s.name == name), None)
