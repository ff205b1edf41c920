"""Pages without a query-count test of their own: the count is the same with more data.

Each page is counted once on a little data, then more applications, events and messages are added
and the page must need exactly as many queries again (not merely "no more than a bound").
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards.tests.factories import ApplicationFactory, PublicityBatchFactory
from notifications.services import notify
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def _grow(users, n):
    today = dt.date.today()
    batch = PublicityBatchFactory(start_date=today, end_date=today + dt.timedelta(days=7))
    enterprise = users["enterprise_a"].enterprise
    for i in range(n):
        ApplicationFactory(enterprise=enterprise)
        ApplicationFactory(enterprise=EnterpriseFactory(), in_publicity=True, publicity_batch=batch)
        ApplicationFactory(enterprise=EnterpriseFactory(), second_passed=True)
        ApplicationFactory(enterprise=EnterpriseFactory(), paid=True)
        notify(
            occasion=f"test:grow:{n}:{i}",
            recipients=list(users.values()),
            subject="测试消息",
            body="正文",
            channels=["inapp"],
        )


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


PAGES = [
    ("anonymous", lambda u: reverse("core:home")),
    ("anonymous", lambda u: reverse("core:policy")),
    ("anonymous", lambda u: reverse("core:reward_schedule")),
    ("anonymous", lambda u: reverse("awards:publicity")),
    ("anonymous", lambda u: reverse("accounts:login")),
    ("enterprise_a", lambda u: reverse("core:workbench")),
    ("enterprise_a", lambda u: reverse("awards:enterprise_detail", args=[u["enterprise_a"].enterprise_id])),
    # filtered and sorted lists of bench/pages.py (issue 19 point 7)
    ("enterprise_a", lambda u: reverse("awards:my_applications") + "?o=-amount&status=submitted"),
    ("office", lambda u: reverse("awards:publicity_manage") + "?o=-entries&state=open"),
    ("office", lambda u: reverse("awards:publicity_publish")),
    ("office", lambda u: reverse("meetings:workplan_list") + "?o=-open"),
    ("office", lambda u: reverse("assessment:index") + "?status=draft&o=year"),
    ("unit_a", lambda u: reverse("core:workbench")),
    ("office", lambda u: reverse("core:workbench")),
    ("approver", lambda u: reverse("core:workbench")),
    ("admin", lambda u: reverse("core:workbench")),
    ("admin", lambda u: reverse("core:health")),
    ("admin", lambda u: reverse("admin:index")),
]


@pytest.mark.parametrize("role,url", PAGES, ids=[f"{r}-{i}" for i, (r, _) in enumerate(PAGES)])
def test_page_query_count_does_not_change_with_more_data(client, users, role, url):
    if role != "anonymous":
        client.force_login(users[role])
    _grow(users, 2)
    path = url(users)
    client.get(path)  # per-process caches (content types, site settings) as in a running server
    small = _count(client, path)
    _grow(users, 6)
    assert _count(client, path) == small


@pytest.mark.parametrize("role", ["enterprise_a", "office"])
def test_application_detail_query_count_does_not_change_with_a_longer_history(client, users, role):
    from awards.models import Application

    client.force_login(users[role])
    _grow(users, 1)
    application = Application.objects.filter(enterprise=users["enterprise_a"].enterprise).latest("pk")
    path = reverse("awards:application_detail", args=[application.pk])
    client.get(path)
    small = _count(client, path)
    _grow(users, 4)
    for n in range(5):  # more timeline events on this application
        application.events.create(
            action="submit", to_status="submitted", comment=f"备注{n}", actor=users["office"]
        )
    assert _count(client, path) == small
