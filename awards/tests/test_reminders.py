"""Reminders: reviews waiting past the service limit, 公示 windows closing today."""

import datetime as dt

import pytest
from django.utils import timezone

from awards.reminders import collect, overdue_before
from awards.tests.factories import ApplicationFactory, PublicityBatchFactory
from core.workdays import count_workdays

pytestmark = pytest.mark.django_db


def at(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def test_cutoff_matches_count_workdays(policy):
    today = dt.date(2025, 10, 20)
    cutoff = overdue_before(today, 10)
    assert count_workdays(cutoff, today) == 10
    assert count_workdays(cutoff - dt.timedelta(days=1), today) > 10


def test_first_review_overdue_goes_to_office_staff(users):
    today = dt.date(2025, 10, 20)  # national day holidays in the window
    late = ApplicationFactory(submitted_at=at(dt.date(2025, 9, 25)))
    ApplicationFactory(submitted_at=at(dt.date(2025, 10, 9)))  # 7 working days: not late
    reminders = list(collect(today))
    assert [r.occasion for r in reminders] == [f"application:{late.pk}:review_overdue:submitted"]
    assert users["office"] in reminders[0].recipients
    assert users["approver"] not in reminders[0].recipients
    assert "初审" in reminders[0].body and reminders[0].url == late.get_absolute_url()


def test_second_review_overdue_goes_to_approvers(users):
    late = ApplicationFactory(first_passed=True, first_reviewed_at=at(dt.date(2025, 3, 3)))
    reminders = list(collect(dt.date(2025, 3, 31)))
    assert [r.occasion for r in reminders] == [f"application:{late.pk}:review_overdue:first_passed"]
    assert set(reminders[0].recipients) == {users["approver"], users["approver2"]}


def test_publicity_closing_today_goes_to_the_office(users):
    batch = PublicityBatchFactory(end_date=dt.date(2025, 3, 10))
    reminders = list(collect(dt.date(2025, 3, 10)))
    assert [r.occasion for r in reminders] == [f"publicity:{batch.pk}:closing"]
    assert users["office"] in reminders[0].recipients
    assert list(collect(dt.date(2025, 3, 11))) == []


def test_reminders_go_through_notify_exactly_once(users):
    from notifications.models import Notification
    from notifications.services import notify

    ApplicationFactory(submitted_at=at(dt.date(2025, 1, 2)))
    for _ in range(2):
        for r in collect(dt.date(2025, 3, 3)):
            notify(occasion=r.occasion, recipients=r.recipients, subject=r.subject, body=r.body, url=r.url)
    assert Notification.objects.filter(recipient=users["office"], channel="inapp").count() == 1
