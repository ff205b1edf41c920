"""The platform's periodic tasks, declared once here and installed into django-celery-beat's
database schedule by ``python manage.py setup_schedules``.

Crontabs run in Asia/Shanghai. The tasks that act on working days run every day and check the
working-day calendar themselves (core.workdays): a cron expression cannot know 春节 or a make-up
Saturday.

Installing is idempotent and respects the office's edits: a missing task is created with the
declared schedule; an existing one keeps its schedule (crontab / interval) and its enabled flag as
edited in admin or on /scheduler/schedules/, while the code-owned parts (task path, arguments,
description, expiry) are brought up to date. The months and day of "半年周期启动" are the data's:
they follow the office's reporting rhythm and the meeting rule (``declared_schedules``), and
``schedules_sync`` (run when either changes) brings an installed task to them, keeping the time of
day the office set. ``setup_schedules --reset`` restores the declared
schedule and enables every task.
"""

import json
from dataclasses import dataclass, field, replace
from typing import Any, TypedDict

from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from core import rhythm as rh
from meetings.rules import current_cycle

TIMEZONE = "Asia/Shanghai"


class Crontab(TypedDict):
    """The fields of a django-celery-beat CrontabSchedule (its time zone is TIMEZONE)."""

    minute: str
    hour: str
    day_of_month: str
    month_of_year: str
    day_of_week: str


@dataclass(frozen=True)
class Schedule:
    name: str  # PeriodicTask.name: the stable key, shown in admin
    task: str
    description: str
    crontab: Crontab | None = None  # None for an interval (every_seconds)
    every_seconds: int | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)
    # the crontab's months and day follow the rhythms (declared_schedules); the time of day stays
    # the office's: installing or syncing brings them to the data's whatever the office edited
    data_owned: bool = False
    # a run not started within this many seconds is dropped (the next run covers it): a worker
    # that was down for a day does not face a pile of stale sweeps
    expire_seconds: int | None = None

    @property
    def when(self) -> str:
        if self.every_seconds:
            return f"每 {self.every_seconds} 秒"
        return crontab_text(**self.crontab_fields)

    @property
    def crontab_fields(self) -> Crontab:
        """The crontab of a schedule that has no interval (declared so: SCHEDULES)."""
        assert self.crontab is not None
        return self.crontab


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


def crontab_in_words(crontab: CrontabSchedule) -> str:
    """A django-celery-beat CrontabSchedule in words."""
    return crontab_text(
        minute=crontab.minute,
        hour=crontab.hour,
        day_of_month=crontab.day_of_month,
        month_of_year=crontab.month_of_year,
        day_of_week=crontab.day_of_week,
    )


def _cron(
    minute: str = "0",
    hour: str = "*",
    day_of_month: str = "*",
    month_of_year: str = "*",
    day_of_week: str = "*",
) -> Crontab:
    return {
        "minute": minute,
        "hour": hour,
        "day_of_month": day_of_month,
        "month_of_year": month_of_year,
        "day_of_week": day_of_week,
    }


PERIOD_START = (
    "半年周期启动"  # the stable key of the task that opens periods (name from the half-yearly days)
)

DAILY_REMINDERS = "每日提醒"
REPORT_BUILD = "半年进度报告生成"  # the stable key of the task (name from the half-yearly platform)


def reminders_description(first_days: int, second_days: int) -> str:
    """What 每日提醒 does, with the office's reminder days (Jianli: 14 and 3 days before)."""
    return (
        f"每个工作日上午（法定节假日不发，调休上班日照发）：报告截止前{first_days}天、{second_days}天、当天及逾期提醒"
        "（逾期7天起提醒办公室），议题征集截止、会议通知与会前一天提醒，督办事项到期与逾期，"
        "超过服务时限待审的申请。节假日错过的提醒在下一个工作日发出，每条提醒只发一次。"
    )


def report_build_description(reporting_rhythm: str) -> str:
    return (
        f"每个工作日上午：报送截止日已过、尚未生成报告的期次，生成{rh.RHYTHM_NAMES[reporting_rhythm]}进度报告"
        "（Excel 与 Word），存档并通知办公室。"
    )


SCHEDULES: tuple[Schedule, ...] = (
    Schedule(
        name=PERIOD_START,
        task="scheduler.tasks.half_year_start",
        description=(
            "每年1月1日、7月1日上午：开启本半年的进度报送期次（每个成员单位一份报告），"
            "起草本半年的联席会议并发出议题征集。当天不是工作日时顺延到第一个工作日"
            "（由“每日提醒”补做）。可重复执行，已开启的不会重复创建。"
        ),
        crontab=_cron(minute="10", hour="8", day_of_month="1", month_of_year="1,7"),
        expire_seconds=None,
        data_owned=True,
    ),
    Schedule(
        name="公示期届满自动推进",
        task="scheduler.tasks.publicity_advance",
        description="每个工作日上午：公示期已满且无未处理异议的奖励申请自动转入待拨付（非工作日不执行）。",
        crontab=_cron(minute="20", hour="8"),
        expire_seconds=12 * 3600,
    ),
    Schedule(
        name=DAILY_REMINDERS,
        task="scheduler.tasks.daily_reminders",
        description=reminders_description(14, 3),
        crontab=_cron(minute="30", hour="8"),
        expire_seconds=12 * 3600,
    ),
    Schedule(
        name=REPORT_BUILD,
        task="scheduler.tasks.half_year_reports",
        description=report_build_description(rh.HALF),
        crontab=_cron(minute="40", hour="8"),
        expire_seconds=12 * 3600,
    ),
    Schedule(
        name="企业注册每日汇总",
        task="awards.tasks.registrations_digest",
        description="每天上午：向办公室发一条汇总——待核验的企业注册（含近一日新注册）与待处理的注册核查申请。",
        crontab=_cron(minute="50", hour="8"),
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


def period_start_months(reporting_rhythm: str, cycle: rh.MeetingCycle) -> list[int]:
    """The months whose first day opens a reporting period or a meeting's cycle (the topic call of a
    rule without ``topic_call_lead_days``). Jianli: 1 and 7."""
    months = set(rh.start_months(reporting_rhythm))
    if cycle.topic_call_lead_days is None:
        months |= {cycle.cycle_start(2000, n).month for n in range(1, cycle.per_year + 1)}
    return sorted(months)


def period_start_description(reporting_rhythm: str, cycle: rh.MeetingCycle) -> str:
    months = period_start_months(reporting_rhythm, cycle)
    days = "、".join(f"{m}月1日" for m in months)
    period = rh.RHYTHM_NAMES[reporting_rhythm]
    if cycle.topic_call_lead_days is not None:
        meeting = (
            f"；联席会议在会前 {cycle.topic_call_lead_days} 天起草并发出议题征集"
            f"（{rh.months_text(cycle.months)}召开，由“每日提醒”逐日补做）"
        )
        period_part = f"开启本{period}的进度报送期次（每个成员单位一份报告）{meeting}。"
    elif cycle.per_year == 2:
        period_part = (
            f"开启本{period}的进度报送期次（每个成员单位一份报告），起草本半年的联席会议并发出议题征集。"
        )
    else:
        period_part = (
            f"开启本{period}的进度报送期次（每个成员单位一份报告），在会议周期（每 {cycle.every_months} 个月，"
            f"{rh.months_text(cycle.months)}召开）开始时起草联席会议并发出议题征集。"
        )
    return (
        f"每年{days}上午：{period_part}当天不是工作日时顺延到第一个工作日"
        "（由“每日提醒”补做）。可重复执行，已开启的不会重复创建。"
    )


def declared_schedules() -> tuple[Schedule, ...]:
    """SCHEDULES with the period start following the data: the office's reporting rhythm
    (SiteSetting.reporting_rhythm) and the MeetingRule's cycle (2 queries)."""
    from core.models import SiteSetting

    setting = SiteSetting.get()
    rhythm_code = setting.reporting_rhythm
    cycle = current_cycle()
    months = ",".join(str(m) for m in period_start_months(rhythm_code, cycle))
    out = []
    for schedule in SCHEDULES:
        if schedule.data_owned:
            schedule = replace(
                schedule,
                crontab={**schedule.crontab_fields, "month_of_year": months, "day_of_month": "1"},
                description=period_start_description(rhythm_code, cycle),
            )
        elif schedule.name == DAILY_REMINDERS:
            description = reminders_description(
                setting.report_remind_first_days, setting.report_remind_second_days
            )
            schedule = replace(schedule, description=description)
        elif schedule.name == REPORT_BUILD:
            schedule = replace(schedule, description=report_build_description(rhythm_code))
        out.append(schedule)
    return tuple(out)


def _data_owned_crontab(task: PeriodicTask, schedule: Schedule) -> CrontabSchedule | None:
    """The crontab ``task`` should have: the office's time of day, the data's months and day; None
    when it already has it."""
    current = task.crontab
    if current is None:
        return None
    wanted = {
        "minute": current.minute,
        "hour": current.hour,
        "day_of_week": current.day_of_week,
        "day_of_month": schedule.crontab_fields["day_of_month"],
        "month_of_year": schedule.crontab_fields["month_of_year"],
    }
    if (current.day_of_month, current.month_of_year) == (wanted["day_of_month"], wanted["month_of_year"]):
        return None
    return CrontabSchedule.objects.filter(
        timezone=TIMEZONE, **wanted
    ).first() or CrontabSchedule.objects.create(timezone=TIMEZONE, **wanted)


@transaction.atomic
def schedules_sync() -> list[str]:
    """Bring the data-owned schedules of installed tasks to the rhythms (after the office or the
    policy pack changed the reporting rhythm or the meeting rule). Idempotent; creates no task
    (setup_schedules does). Returns the names of the tasks changed."""
    changed = []
    for schedule in declared_schedules():
        if not schedule.data_owned:
            continue
        task = PeriodicTask.objects.select_for_update().filter(name=schedule.name).first()
        if task is None:
            continue
        crontab = _data_owned_crontab(task, schedule)
        if crontab is None and task.description == schedule.description:
            continue
        if crontab is not None:
            task.crontab = crontab
        task.description = schedule.description
        task.save()
        changed.append(schedule.name)
    return changed


@dataclass
class InstallResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    reset: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # in the database, not declared here


def _schedule_object(schedule: Schedule) -> dict[str, Any]:
    if schedule.every_seconds:
        obj, _ = IntervalSchedule.objects.get_or_create(
            every=schedule.every_seconds, period=IntervalSchedule.SECONDS
        )
        return {"interval": obj, "crontab": None}
    obj = CrontabSchedule.objects.filter(timezone=TIMEZONE, **schedule.crontab_fields).first()
    if obj is None:
        obj = CrontabSchedule.objects.create(timezone=TIMEZONE, **schedule.crontab_fields)

    return {"crontab": obj, "interval": None}


@transaction.atomic
def schedules_install(*, reset: bool = False) -> InstallResult:
    """Create the declared periodic tasks; keep the office's schedule edits unless ``reset``."""
    result = InstallResult()
    schedules = declared_schedules()
    declared_names = {s.name for s in schedules}
    for schedule in schedules:
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
        if schedule.data_owned and not reset:
            crontab = _data_owned_crontab(task, schedule)
            if crontab is not None:
                task.crontab = crontab
                changed.append("crontab")
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
    return next((s for s in declared_schedules() if s.name == name), None)
