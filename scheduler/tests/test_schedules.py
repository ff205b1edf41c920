import io

import pytest
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from jianli_quality.celery import app
from scheduler.schedules import SCHEDULES, schedules_install

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command("setup_schedules", *args, stdout=out)
    return out.getvalue()


def test_setup_schedules_installs_every_declared_task_in_shanghai_time():
    output = _run()
    assert f"新建 {len(SCHEDULES)}" in output
    tasks = {t.name: t for t in PeriodicTask.objects.select_related("crontab", "interval")}
    assert set(tasks) == {s.name for s in SCHEDULES}
    daily = tasks["每日提醒"]
    assert daily.task == "scheduler.tasks.daily_reminders" and daily.enabled
    assert (daily.crontab.hour, daily.crontab.minute) == ("8", "30")
    assert str(daily.crontab.timezone) == "Asia/Shanghai"
    start = tasks["半年周期启动"].crontab
    assert (start.day_of_month, start.month_of_year, start.hour) == ("1", "1,7", "8")
    sweep = tasks["消息发送补偿"]
    assert sweep.interval.every == 60 and sweep.interval.period == IntervalSchedule.SECONDS
    assert sweep.expire_seconds == 120


def test_every_declared_task_exists_in_the_celery_app():
    app.loader.import_default_modules()
    for schedule in SCHEDULES:
        assert schedule.task in app.tasks, schedule.task


def test_setup_schedules_twice_changes_nothing():
    _run()
    rows = PeriodicTask.objects.count(), CrontabSchedule.objects.count(), IntervalSchedule.objects.count()
    output = _run()
    assert "新建 0" in output and f"无变化 {len(SCHEDULES)}" in output
    assert (
        PeriodicTask.objects.count(),
        CrontabSchedule.objects.count(),
        IntervalSchedule.objects.count(),
    ) == rows


def test_setup_schedules_keeps_the_offices_edits_but_updates_the_task_definition():
    schedules_install()
    task = PeriodicTask.objects.get(name="每日提醒")
    task.crontab = CrontabSchedule.objects.create(minute="0", hour="9", timezone="Asia/Shanghai")
    task.enabled = False
    task.description = "旧说明"
    task.save()
    result = schedules_install()
    task.refresh_from_db()
    assert result.updated == ["每日提醒"]
    assert (task.crontab.hour, task.crontab.minute, task.enabled) == ("9", "0", False)
    assert task.description != "旧说明"


def test_setup_schedules_reset_restores_the_declared_schedule():
    schedules_install()
    task = PeriodicTask.objects.get(name="每日提醒")
    task.crontab = CrontabSchedule.objects.create(minute="0", hour="9", timezone="Asia/Shanghai")
    task.enabled = False
    task.save()
    output = _run("--reset")
    task.refresh_from_db()
    assert "已恢复默认：每日提醒" in output
    assert (task.crontab.hour, task.crontab.minute, task.enabled) == ("8", "30", True)


def test_setup_schedules_reports_but_keeps_tasks_it_does_not_declare():
    schedules_install()
    PeriodicTask.objects.create(
        name="旧任务", task="scheduler.tasks.gone", interval=IntervalSchedule.objects.first()
    )
    output = _run()
    assert "代码中未定义的任务" in output and "旧任务" in output
    assert PeriodicTask.objects.filter(name="旧任务").exists()


def test_crontabs_are_shown_in_chinese_words():
    from scheduler.schedules import crontab_text

    assert (
        crontab_text(minute="30", hour="8", day_of_month="*", month_of_year="*", day_of_week="*")
        == "每天 08:30"
    )
    assert crontab_text(minute="10", hour="8", day_of_month="1", month_of_year="1,7", day_of_week="*") == (
        "1、7月1日 08:10"
    )
    assert crontab_text(minute="*/5", hour="*", day_of_month="*", month_of_year="*", day_of_week="1-5") == (
        "每天（星期 1-5） * 时 */5 分"
    )
