import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from scheduler import services
from scheduler.halves import HalfYear
from scheduler.models import HalfYearReport, ScheduleChange
from scheduler.schedules import schedules_install
from targets.services import period_open

pytestmark = pytest.mark.django_db

OFFICE_ONLY = [("office", 200), ("approver", 200), ("unit_a", 403), ("enterprise_a", 403), ("admin", 403)]


@pytest.fixture
def report(policy):
    period_open(plan=policy, year=2025, half=1)
    return services.half_year_report_build(half=HalfYear(2025, 1), today=dt.date(2025, 7, 16))


@pytest.fixture
def schedules(db):
    schedules_install()
    return {t.name: t for t in PeriodicTask.objects.all()}


def _urls(report, schedules):
    task = schedules["每日提醒"]
    return [
        reverse("scheduler:index"),
        reverse("scheduler:reports"),
        reverse("scheduler:report_detail", args=[report.key]),
        reverse("scheduler:report_download", args=[report.key, "xlsx"]),
        reverse("scheduler:report_download", args=[report.key, "docx"]),
        reverse("scheduler:schedules"),
        reverse("scheduler:schedule_edit", args=[task.pk]),
    ]


@pytest.mark.parametrize(("role", "status"), OFFICE_ONLY)
def test_report_and_schedule_pages_are_for_the_office(client, users, report, schedules, role, status):
    client.force_login(users[role])
    for url in _urls(report, schedules):
        response = client.get(url)
        expected = 302 if (status == 200 and url == reverse("scheduler:index")) else status
        assert response.status_code == expected, url


def test_anonymous_users_are_sent_to_log_in(client, report, schedules):
    for url in _urls(report, schedules):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize(("role", "status"), [("unit_a", 403), ("enterprise_a", 403)])
def test_actions_by_other_roles_are_refused_and_change_nothing(
    client, users, report, schedules, role, status
):
    client.force_login(users[role])
    task = schedules["每日提醒"]
    assert client.post(reverse("scheduler:report_build"), {"key": "2025H1"}).status_code == status
    assert (
        client.post(reverse("scheduler:schedule_edit", args=[task.pk]), {"hour": "9"}).status_code == status
    )
    assert client.post(reverse("scheduler:schedule_run", args=[task.pk])).status_code == status
    report.refresh_from_db()
    assert report.build_count == 1 and not ScheduleChange.objects.exists()


def test_report_list_and_detail_show_the_report(client, users, report):
    client.force_login(users["office"])
    response = client.get(reverse("scheduler:reports"))
    assert report.title in response.text
    response = client.get(report.get_absolute_url())
    assert "一、目标指标完成进度" in response.text and "下载 Excel" in response.text


def test_downloads_serve_the_stored_files(client, users, report):
    client.force_login(users["approver"])
    response = client.get(reverse("scheduler:report_download", args=[report.key, "xlsx"]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"PK"
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.parametrize("args", [("2024H2", "xlsx"), ("2025H1", "pdf"), ("../x", "xlsx")])
def test_unknown_reports_and_formats_are_404(client, users, report, args):
    client.force_login(users["office"])
    try:
        url = reverse("scheduler:report_download", args=args)
    except Exception:
        return  # not even routable
    assert client.get(url).status_code == 404


@time_machine.travel(dt.datetime(2025, 8, 1, 10, tzinfo=dt.UTC), tick=False)
def test_the_office_rebuilds_a_report_with_the_same_figures(client, users, report):
    client.force_login(users["office"])
    response = client.post(reverse("scheduler:report_build"), {"key": "2025H1"})
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    rebuilt = HalfYearReport.objects.get(key="2025H1")
    assert rebuilt.build_count == 2 and rebuilt.built_by == users["office"]
    assert rebuilt.figures == report.figures


@time_machine.travel(dt.datetime(2025, 7, 10, 10, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize("key", ["2025H2", "2030H1", "garbage", ""])
def test_building_a_report_before_the_due_date_or_for_nonsense_is_refused(client, users, policy, key):
    period_open(plan=policy, year=2025, half=1)  # due 15 July: not yet
    client.force_login(users["office"])
    response = client.post(reverse("scheduler:report_build"), {"key": key}, follow=True)
    assert "不能生成报告" in response.text or "请选择" in response.text
    assert not HalfYearReport.objects.exists()


def test_report_list_offers_unbuilt_periods(client, users, policy):
    period_open(plan=policy, year=2025, half=1)
    client.force_login(users["office"])
    with time_machine.travel(dt.datetime(2025, 8, 1, 10, tzinfo=dt.UTC), tick=False):
        response = client.get(reverse("scheduler:reports"))
    assert "2025年上半年" in response.text and "尚未生成报告" in response.text


def test_report_pages_have_bounded_queries(client, users, policy, django_assert_max_num_queries):
    for half in (1, 2):
        period_open(plan=policy, year=2024, half=half)
        services.half_year_report_build(half=HalfYear(2024, half), today=dt.date(2025, 7, 16))
    client.force_login(users["office"])
    with django_assert_max_num_queries(12):
        client.get(reverse("scheduler:reports"))
    with django_assert_max_num_queries(12):
        client.get(reverse("scheduler:report_detail", args=["2024H1"]))


def test_schedule_list_shows_every_task(client, users, schedules, django_assert_max_num_queries):
    client.force_login(users["office"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("scheduler:schedules"))
    for name in schedules:
        assert name in response.text
    assert "Asia/Shanghai" in response.text


def test_the_office_changes_the_time_of_the_daily_reminders(client, users, schedules):
    task = schedules["每日提醒"]
    client.force_login(users["office"])
    data = {
        "enabled": "on",
        "minute": "0",
        "hour": "9",
        "day_of_month": "*",
        "month_of_year": "*",
        "day_of_week": "*",
    }
    response = client.post(reverse("scheduler:schedule_edit", args=[task.pk]), data)
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.crontab.hour, task.crontab.minute, str(task.crontab.timezone)) == ("9", "0", "Asia/Shanghai")
    change = ScheduleChange.objects.get()
    assert change.changed_by == users["office"] and "08:30" in change.before and "09:00" in change.after
    # and a later setup_schedules keeps it
    schedules_install()
    task.refresh_from_db()
    assert task.crontab.hour == "9"


def test_the_office_disables_the_outbox_sweep_and_changes_its_interval(client, users, schedules):
    task = schedules["消息发送补偿"]
    client.force_login(users["office"])
    client.post(reverse("scheduler:schedule_edit", args=[task.pk]), {"every_seconds": "120"})
    task.refresh_from_db()
    assert task.interval.every == 120 and task.enabled is False


@pytest.mark.parametrize(
    "bad",
    [{"hour": "25"}, {"minute": "abc"}, {"month_of_year": "13"}, {"day_of_week": "9"}, {"hour": ""}],
)
def test_a_bad_crontab_is_refused_with_a_chinese_message_and_nothing_changes(client, users, schedules, bad):
    task = schedules["每日提醒"]
    data = {
        "enabled": "on",
        "minute": "30",
        "hour": "8",
        "day_of_month": "*",
        "month_of_year": "*",
        "day_of_week": "*",
    }
    data.update(bad)
    client.force_login(users["office"])
    response = client.post(reverse("scheduler:schedule_edit", args=[task.pk]), data)
    assert response.status_code == 200
    assert "不正确" in response.text or "这个字段是必填项" in response.text
    task.refresh_from_db()
    assert (task.crontab.hour, task.crontab.minute, task.enabled) == ("8", "30", True)
    assert not ScheduleChange.objects.exists()


@pytest.mark.parametrize("every", ["5", "-1", "x", "999999"])
def test_a_bad_interval_is_refused(client, users, schedules, every):
    task = schedules["消息发送补偿"]
    client.force_login(users["office"])
    response = client.post(
        reverse("scheduler:schedule_edit", args=[task.pk]), {"enabled": "on", "every_seconds": every}
    )
    assert response.status_code == 200
    task.refresh_from_db()
    assert task.interval.every == 60


def test_run_now_queues_the_task(client, users, schedules):
    task = schedules["每日提醒"]
    client.force_login(users["office"])
    with mock.patch("jianli_quality.celery.app.send_task") as send_task:
        response = client.post(reverse("scheduler:schedule_run", args=[task.pk]), follow=True)
    send_task.assert_called_once_with("scheduler.tasks.daily_reminders", args=[], kwargs={})
    assert "立即执行" in response.text


def test_run_now_with_the_broker_down_says_so(client, users, schedules):
    task = schedules["每日提醒"]
    client.force_login(users["office"])
    with mock.patch("jianli_quality.celery.app.send_task", side_effect=OSError("down")):
        response = client.post(reverse("scheduler:schedule_run", args=[task.pk]), follow=True)
    assert "暂不可用" in response.text


def test_office_workbench_links_the_latest_report(client, users, report):
    client.force_login(users["office"])
    assert report.title in client.get(reverse("core:workbench")).text
    client.force_login(users["unit_a"])
    assert report.title not in client.get(reverse("core:workbench")).text


def test_the_it_administrator_sees_and_edits_the_schedules_in_django_admin(client, users, schedules):
    client.force_login(users["admin"])
    response = client.get("/admin/django_celery_beat/periodictask/")
    assert response.status_code == 200
    for name in schedules:
        assert name in response.text
    task = schedules["每日提醒"]
    assert client.get(f"/admin/django_celery_beat/periodictask/{task.pk}/change/").status_code == 200
