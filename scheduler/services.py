"""The scheduled work. Every job is idempotent: a second beat, a retried task or a re-run on the
same day changes nothing more and sends nothing twice (notification occasion keys, get-or-create
of periods, meetings and reports)."""

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.selectors import office_users
from awards.services import publicity_advance_due
from core.dates import cn_date
from core.models import StoredDocument
from core.rhythm import RHYTHM_NAMES
from core.workdays import is_workday
from meetings.services import meeting_draft_for_term, terms_due
from notifications.reminders import collectors
from notifications.services import delivery_batch, notify
from targets.models import Plan, ReportingPeriod
from targets.services import ReportError, overlapping_period, period_open, reporting_rhythm

from . import reports
from .halves import HalfYear
from .models import HalfYearReport
from .schedules import TIMEZONE, crontab_in_words

if TYPE_CHECKING:
    from django_celery_beat.models import PeriodicTask

logger = logging.getLogger(__name__)

# what a job returns (its Celery result, shown in the task log): plain JSON
JobResult = dict[str, Any]


class JobError(Exception):
    """Some part of a job failed after the rest was done; the task retries (the rest is idempotent)."""


# --- 半年周期 --------------------------------------------------------------------------------


def _plan_covering(half: HalfYear) -> Plan | None:
    return (
        Plan.objects.filter(start_date__lte=half.start, end_date__gte=half.start)
        .order_by("-is_current", "-start_date")
        .first()
    )


def current_term(today: dt.date) -> HalfYear:
    """The reporting period ``today`` is in, of the office's reporting rhythm."""

    return HalfYear.of(today, reporting_rhythm())


def half_year_open(*, today: dt.date) -> JobResult:
    """Open the reporting period ``today`` is in, and draft the joint meetings now due.

    The period follows the office's reporting rhythm (quarter, half year or year: its first day is
    1 January / 1 April / … ); the meetings follow the MeetingRule's cycle (drafted, with their call
    for topics, on the cycle's first day or ``topic_call_lead_days`` before the meeting). The name
    stays from the half-yearly platform, whose behaviour is unchanged: 1 January and 1 July.

    Called on the first day of each period, and again every morning as a catch-up (a beat that was
    down on the 1st). Only on working days: opening the period and the topic call notify people, so
    when the day is a holiday (元旦 always is) it happens on the first working day after. A period
    the office has already opened (or closed) is left alone. The two steps are independent: one
    failing does not stop the other (the task then retries both, idempotently).
    """
    if not is_workday(today):
        return {"workday": False}
    half = current_term(today)
    result: JobResult = {"half": half.key}
    errors = []
    try:
        with delivery_batch():
            result["period"] = _period_open_for(half, today=today)
    except Exception as exc:
        logger.exception("opening the reporting period of %s failed", half.key)
        errors.append(f"period: {exc}")
    try:
        drafted = []
        for year, number in terms_due(today):
            with delivery_batch():
                meeting, created = meeting_draft_for_term(year=year, half=number)
            drafted.append(f"{'drafted' if created else 'exists'} {meeting.pk}")
        result["meeting"] = "; ".join(drafted)
    except Exception as exc:
        logger.exception("drafting the joint meeting on %s failed", today)
        errors.append(f"meeting: {exc}")
    if errors:
        raise JobError("; ".join(errors))
    return result


def _tell_office(*, occasion: str, subject: str, body: str, url: str) -> None:
    """A problem the job cannot solve on its own: the office staff and approvers are told (once)."""
    notify(occasion=occasion, recipients=report_recipients(), subject=subject, body=body, url=url)


def _period_open_for(half: HalfYear, *, today: dt.date) -> str:
    """Open the half's period; when it cannot be opened the office is told, and the result says why."""
    from django.urls import reverse

    plan = _plan_covering(half)
    if plan is None:
        # never silently: the workbench shows it too (targets.workbench)
        _tell_office(
            occasion=f"period:{half.key}:no_plan",
            subject=f"{half.label}没有规划覆盖，未能开放报送期次",
            body=(
                f"{half.label}（{cn_date(half.start)} 起）不在任何规划的期限内，"
                f"系统没有开放{RHYTHM_NAMES[half.rhythm]}报送。"
                f"请新建（或由上一规划接续新建）覆盖该{RHYTHM_NAMES[half.rhythm]}的规划，再开放报送期次。"
            ),
            url=reverse("targets:plan_list"),
        )
        return f"not opened: no plan covers {half.key} (office told)"
    if ReportingPeriod.objects.filter(plan=plan, rhythm=half.rhythm, year=half.year, half=half.half).exists():
        return "exists"
    clash = overlapping_period(plan=plan, term=half)
    if clash is not None:
        # the rhythm changed while a period of the old one runs: the new rhythm starts after it
        return f"not opened: {half.key} overlaps {clash.key}"
    try:
        with delivery_batch():
            period, n_new = period_open(
                plan=plan, year=half.year, half=half.half, rhythm=half.rhythm, today=today
            )
    except ReportError as exc:
        # e.g. the default due date has already passed (a beat down for weeks): no one is marked late
        _tell_office(
            occasion=f"period:{half.key}:not_opened",
            subject=f"{half.label}报送期次未能自动开放",
            body=f"{exc}请在“报送期次”页面填写新的报送截止日后开放。",
            url=reverse("targets:period_list"),
        )
        return f"not opened: {exc} (office told)"
    return f"opened {period.key} with {n_new} reports"


# --- 每日提醒 --------------------------------------------------------------------------------


def reminders_send(*, today: dt.date) -> JobResult:
    """On a working day, turn every reminder the apps report into notifications (each once).

    On a non-working day nothing is sent: the collectors return everything still in its window,
    so what falls on a holiday goes out on the next working day.
    """
    if not is_workday(today):
        return {"workday": False}
    failed_apps: list[str] = []
    result: JobResult = {"workday": True, "reminders": 0, "created": 0, "failed_apps": failed_apps}
    with delivery_batch():
        for app, collect in collectors():
            try:
                reminders = list(collect(today))
            except Exception:
                logger.exception("reminder collector of %s failed on %s", app, today)
                failed_apps.append(app)
                continue
            for reminder in reminders:
                # one transaction per reminder: a failure later in the run keeps what was recorded
                with transaction.atomic():
                    created = notify(
                        occasion=reminder.occasion,
                        recipients=reminder.recipients,
                        subject=reminder.subject,
                        body=reminder.body,
                        url=reminder.url,
                    )
                result["reminders"] += 1
                result["created"] += len(created)
    if failed_apps:
        raise JobError(f"reminder collectors failed: {', '.join(failed_apps)}")
    return result


def publicity_advance(*, today: dt.date) -> JobResult:
    """On a working day, move 公示 windows that ended without an open objection on (awards)."""
    if not is_workday(today):
        return {"workday": False}
    with delivery_batch():
        moved = publicity_advance_due(today=today)
    return {"workday": True, "advanced": moved}


# --- 半年进度报告 ----------------------------------------------------------------------------


def report_recipients() -> list[User]:
    """Who receives the half-year report: the whole office."""
    return office_users()


def _store(
    document: StoredDocument | None, *, half: HalfYear, title: str, name: str, content: bytes, by: User | None
) -> StoredDocument:
    """Write the file into the report's document, replacing the previous file of the same key."""
    if document is None:
        document = StoredDocument(kind=StoredDocument.Kind.HALF_YEAR_REPORT, key=half.key)
    elif document.file:
        document.file.delete(save=False)
    document.title = title
    document.created_by = by
    document.file.save(name, ContentFile(content), save=False)
    document.save()
    return document


def half_year_report_build(
    *, half: HalfYear, by: User | None = None, today: dt.date | None = None
) -> HalfYearReport:
    """Build (or rebuild) the progress report of ``half``: figures, xlsx and docx, stored under its key.

    The first build notifies the office staff and approvers; a rebuild replaces the files and the
    figures (identical for identical data) and notifies nobody.
    """
    return _report_build(half=half, by=by, today=today)[0]


def _report_build(
    *, half: HalfYear, by: User | None = None, today: dt.date | None = None, only_if_unbuilt: bool = False
) -> tuple[HalfYearReport, bool]:
    """The build, and whether this call built it. The report's row is claimed (created if need be,
    then locked) before anything is built: a second run at the same time waits for the first, and
    with ``only_if_unbuilt`` (the scheduled job) then finds it built and builds nothing."""
    today = today or timezone.localdate()
    title = reports.report_title(half)
    with transaction.atomic():
        # race: two builds of the same half (a second beat, the office clicking 重新生成); the
        # unique key gives one row and the row lock makes the second wait for the first
        try:
            with transaction.atomic():
                report, _ = HalfYearReport.objects.get_or_create(
                    key=half.key,
                    defaults={"year": half.year, "rhythm": half.rhythm, "half": half.half, "title": title},
                )
        except IntegrityError:
            pass
        report = (
            HalfYearReport.objects.select_for_update(of=("self",))
            .select_related("xlsx", "docx")
            .get(key=half.key)
        )
        if only_if_unbuilt and report.build_count > 0:
            return report, False
        figures = reports.report_figures(half)
        xlsx = reports.workbook_bytes(figures)
        docx = reports.document_bytes(figures, built_on=today)
        first = report.build_count == 0
        report.xlsx = _store(
            report.xlsx,
            half=half,
            title=f"{title}（Excel）",
            name=f"{half.key}-progress.xlsx",
            content=xlsx,
            by=by,
        )
        report.docx = _store(
            report.docx,
            half=half,
            title=f"{title}（Word）",
            name=f"{half.key}-progress.docx",
            content=docx,
            by=by,
        )
        report.title = title
        report.figures = figures
        report.built_at = timezone.now()
        report.built_by = by
        report.build_count += 1
        report.save()
        if first:
            notify(
                occasion=f"half_year_report:{half.key}:ready",
                recipients=report_recipients(),
                subject=f"{half.label}工作进度报告已生成",
                body=(
                    f"{half.label}进度报送已于 {figures['due_date'] or '截止日'} 截止，系统已生成"
                    f"《{title}》（Excel 与 Word 两个版本），请登录平台查看、下载。"
                ),
                url=report.get_absolute_url(),
            )
    return report, True


def half_year_reports_due(*, today: dt.date) -> JobResult:
    """On a working day, build the report of every reporting period (of any rhythm) whose due date
    has passed, once.

    Periods the office back-filled from old spreadsheets are not built automatically (the office
    builds them on demand from /scheduler/reports/).
    """
    if not is_workday(today):
        return {"workday": False}

    built_keys = set(HalfYearReport.objects.filter(build_count__gt=0).values_list("key", flat=True))
    due = ReportingPeriod.objects.filter(due_date__lt=today, backfilled=False).order_by("end_date", "rhythm")
    built = []
    for period in due:
        half = period.term
        if half.key in built_keys:
            continue
        _report, built_now = _report_build(half=half, today=today, only_if_unbuilt=True)
        built_keys.add(half.key)
        if built_now:  # not by a concurrent run that claimed it first
            built.append(half.key)
    return {"workday": True, "built": built}


def buildable_halves(*, today: dt.date) -> list[HalfYear]:
    """Half years the office may build a report for: every period whose due date has passed."""

    keys = (
        ReportingPeriod.objects.filter(due_date__lt=today)
        .values_list("year", "half", "rhythm", "end_date")
        .distinct()
        .order_by("-end_date", "rhythm")
    )
    return list(dict.fromkeys(HalfYear(y, h, r) for y, h, r, _ in keys))


# --- 计划任务（办公室在平台上查看与修改） ------------------------------------------------------


def _describe(task: "PeriodicTask") -> str:
    state = "启用" if task.enabled else "停用"
    if task.crontab_id:
        return f"{state}；{crontab_in_words(task.crontab)}（{task.crontab.timezone}）"
    if task.interval_id:
        return f"{state}；每 {task.interval.every} {task.interval.get_period_display()}"
    return state


def schedule_update(
    *,
    task: "PeriodicTask",
    enabled: bool,
    crontab: dict[str, str] | None = None,
    every_seconds: int | None = None,
    by: User,
) -> bool:
    """Change a periodic task's schedule and enabled flag; returns whether anything changed.

    The beat notices the change by itself (django-celery-beat's change marker); setup_schedules
    keeps this edit later (it only restores schedules with --reset).
    """
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    from .models import ScheduleChange

    with transaction.atomic():
        # race: two office users editing the same task; the row lock makes the second edit see the first
        task = (
            PeriodicTask.objects.select_for_update(of=("self",))
            .select_related("crontab", "interval")
            .get(pk=task.pk)
        )
        before = _describe(task)
        if crontab is not None:
            schedule = CrontabSchedule.objects.filter(timezone=TIMEZONE, **crontab).first()
            task.crontab = schedule or CrontabSchedule.objects.create(timezone=TIMEZONE, **crontab)
            task.interval = None
        if every_seconds is not None:
            task.interval, _ = IntervalSchedule.objects.get_or_create(
                every=every_seconds, period=IntervalSchedule.SECONDS
            )
            task.crontab = None
        task.enabled = enabled
        after = _describe(task)
        if after == before:
            return False
        task.save()
        ScheduleChange.objects.create(task_name=task.name, before=before, after=after, changed_by=by)
    return True


def schedule_run_now(*, task: "PeriodicTask") -> bool:
    """Queue one run of a periodic task now (all tasks are idempotent). False if the broker is down."""
    import json

    from jianli_quality.celery import app

    try:
        app.send_task(task.task, args=json.loads(task.args or "[]"), kwargs=json.loads(task.kwargs or "{}"))
    except Exception:
        logger.warning("broker unavailable; %s not queued", task.name, exc_info=True)
        return False
    return True
