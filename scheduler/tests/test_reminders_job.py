import datetime as dt

import pytest

from core.models import CalendarDay
from notifications.models import Notification
from notifications.reminders import Reminder
from scheduler import services, tasks
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WORKDAY = dt.date(2025, 9, 30)  # a Tuesday before 国庆
NATIONAL_DAY = dt.date(2025, 10, 1)
MAKEUP_SATURDAY = dt.date(2025, 9, 28)  # 2025: Sunday 28 Sep is a make-up working day
WEEKEND = dt.date(2025, 9, 27)


@pytest.fixture
def unit_user():
    return UserFactory(username="liaison", email="liaison@test.jianli.local")


@pytest.fixture
def fake_collectors(monkeypatch, unit_user):
    """One app with one reminder in its window, whatever the day."""
    calls = []

    def collect(today):
        calls.append(today)
        yield Reminder(
            occasion="report:1:due3",
            recipients=(unit_user,),
            subject="进度报告还有 3 天截止报送",
            body="截止日 2025年10月09日",
            url="/targets/reports/1/",
        )

    monkeypatch.setattr(services, "collectors", lambda: iter([("targets", collect)]))
    return calls


def test_reminders_go_out_on_a_working_day(fake_collectors):
    result = services.reminders_send(today=WORKDAY)
    assert result["created"] == 2  # in-app and e-mail
    assert Notification.objects.filter(occasion="report:1:due3").count() == 2


@pytest.mark.parametrize("day", [NATIONAL_DAY, WEEKEND])
def test_nothing_is_sent_on_a_holiday_or_weekend(fake_collectors, day):
    assert services.reminders_send(today=day) == {"workday": False}
    assert fake_collectors == [] and not Notification.objects.exists()


def test_a_make_up_working_day_is_a_working_day(fake_collectors):
    assert MAKEUP_SATURDAY.weekday() == 6
    assert services.reminders_send(today=MAKEUP_SATURDAY)["workday"] is True


def test_the_offices_calendar_overrides_the_statutory_one(fake_collectors):
    CalendarDay.objects.create(date=WORKDAY, is_workday=False, note="防汛调休")
    assert services.reminders_send(today=WORKDAY) == {"workday": False}


def test_running_the_reminders_twice_sends_nothing_twice(fake_collectors):
    services.reminders_send(today=WORKDAY)
    assert services.reminders_send(today=WORKDAY)["created"] == 0
    assert services.reminders_send(today=dt.date(2025, 10, 9))["created"] == 0
    assert Notification.objects.count() == 2


def test_one_failing_collector_does_not_stop_the_others_and_the_task_retries(monkeypatch, unit_user):
    def broken(today):
        raise RuntimeError("boom")

    def working(today):
        yield Reminder(occasion="followup:1:1:due3", recipients=(unit_user,), subject="督办事项", url="/m/")

    monkeypatch.setattr(services, "collectors", lambda: iter([("meetings", broken), ("targets", working)]))
    with pytest.raises(services.JobError, match="meetings"):
        services.reminders_send(today=WORKDAY)
    assert Notification.objects.filter(occasion="followup:1:1:due3").exists()


def test_the_daily_task_uses_the_given_day(fake_collectors, monkeypatch):
    monkeypatch.setattr(services, "half_year_open", lambda today: {"half": "2025H2"})
    result = tasks.daily_reminders.apply(kwargs={"day": WORKDAY.isoformat()}).get()
    assert result["reminders"]["created"] == 2
    assert fake_collectors == [WORKDAY]


def test_the_daily_task_still_sends_reminders_when_the_half_year_catch_up_fails(fake_collectors, monkeypatch):
    def failing(today):
        raise services.JobError("meeting: not available")

    monkeypatch.setattr(services, "half_year_open", failing)
    result = tasks.daily_reminders.apply(kwargs={"day": WORKDAY.isoformat()})
    assert result.failed()
    assert Notification.objects.filter(occasion="report:1:due3").count() == 2
