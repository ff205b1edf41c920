"""Every page and the main actions with Redis (cache and broker) hung or down: no 5xx, little time added.

Production points the cache and the Celery broker at Redis (core.cache_backends.ResilientRedisCache
and core.broker.publish, both with sub-second socket timeouts). Here both are a redis-server of the
test's own, frozen with SIGSTOP (a hung Redis: connections are accepted, nothing is answered) or
stopped (connections refused).
"""

import os
import re
import signal
import time

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.db import transaction
from django.urls import reverse

from core import broker
from core.cache_backends import ResilientRedisCache
from scheduler.tests.conftest import RedisServer, stoppable_redis
from tests.celery_broker import use_broker

from .access_matrix_table import ROLE_USERS, TABLE
from .test_access_matrix import ASKED_AT, world  # noqa: F401  (the fixture with an object for every URL)

pytestmark = [pytest.mark.redis, pytest.mark.django_db]

# the public pages first: they are what visitors (and the statutory 公示) depend on
PUBLIC_PAGES = ("core:home", "core:policy", "core:reward_schedule", "awards:publicity")
ROLES_TRIED = ("anon", "ent_a", "unit_a", "office", "approver")


@pytest.fixture
def own_redis(require_redis):
    server = stoppable_redis(require_redis)
    if not isinstance(server, RedisServer):
        pytest.skip("needs the redis-server binary to freeze a server of the test's own")
    server.start()
    yield server
    if server.process is not None:
        os.kill(server.process.pid, signal.SIGCONT)
    server.stop()


@pytest.fixture
def production_cache(own_redis, settings):
    ResilientRedisCache._down_until.clear()
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache_backends.ResilientRedisCache",
            "LOCATION": own_redis.url,
            "KEY_PREFIX": "jianli",
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3},
        }
    }
    caches["default"].set("probe", "up")
    assert caches["default"].get("probe") == "up"  # really talking to that Redis
    yield own_redis
    ResilientRedisCache._down_until.clear()


@pytest.fixture
def production_broker(production_cache):
    """The Celery broker on the same Redis, with the production timeouts (settings.py)."""
    from jianli_quality.celery import app

    options = app.conf.broker_transport_options
    app.conf.broker_transport_options = {
        **(options or {}),
        "socket_connect_timeout": 0.5,
        "socket_timeout": 0.5,
        "socket_keepalive": True,
    }
    with use_broker(production_cache.url):
        broker.reset()
        yield production_cache
    app.conf.broker_transport_options = options
    broker.reset()


def _freeze(server):
    os.kill(server.process.pid, signal.SIGSTOP)


def test_a_hung_cache_costs_one_short_timeout_then_nothing_and_recovers(production_cache, monkeypatch):
    cache = caches["default"]
    _freeze(production_cache)
    started = time.monotonic()
    assert cache.get("probe") is None  # a miss, not an error
    first = time.monotonic() - started
    started = time.monotonic()
    for _ in range(50):
        cache.get("probe")
        cache.set("probe", "x")
    rest = time.monotonic() - started
    assert first < 0.8, first
    assert rest < 0.2, rest  # skipped while the server is known to be down
    os.kill(production_cache.process.pid, signal.SIGCONT)
    monkeypatch.setattr(ResilientRedisCache, "_down_until", {})  # the retry window has passed
    assert cache.get("probe") == "up"


@pytest.mark.parametrize("fault", ["hung", "down"])
def test_every_page_answers_without_5xx_when_the_cache_is_hung_or_down(
    client,
    users,
    world,  # noqa: F811
    production_broker,
    django_capture_on_commit_callbacks,
    monkeypatch,
    fault,
):
    """Every GET of the table for each role. Each request starts as if Redis had just failed (no back-off
    remembered), so each pays the full timeouts: what Redis adds is measured in the cache and the broker
    (not the wall clock, which on a shared test machine measures the machine)."""
    _fault(production_broker, fault)
    clock = RedisClock(monkeypatch)
    public = sorted(PUBLIC_PAGES)
    rest = sorted(n for n, row in TABLE.items() if row.method == "GET" and n not in PUBLIC_PAGES)
    errors, slow, requests = [], [], 0
    with time_machine.travel(ASKED_AT, tick=True):
        for role in ROLES_TRIED:
            client.logout()
            if role != "anon":
                client.force_login(users[ROLE_USERS[role]])
            for name in public + rest:
                row = TABLE[name]
                url = reverse(name, kwargs=row.kwargs(world))
                clock.fresh()
                with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
                    response = client.get(url)
                    transaction.set_rollback(True)
                requests += 1
                if response.status_code >= 500 and name != "core:readyz":
                    errors.append((role, name, response.status_code))
                if clock.seconds > 0.9:
                    slow.append((role, name, round(clock.seconds, 2)))
                if name in PUBLIC_PAGES and role == "anon":
                    assert response.status_code == 200, (name, response.status_code)
    assert requests == len(ROLES_TRIED) * (len(public) + len(rest))
    assert errors == [], errors
    assert slow == [], slow


def test_saving_a_draft_with_the_cache_hung_takes_well_under_a_second_more(client, users, production_cache):
    from awards.tests.factories import pdf

    user = users["enterprise_a"]
    client.force_login(user)
    _freeze(production_cache)
    started = time.monotonic()
    response = client.post(
        reverse("awards:application_create"),
        {
            "intent": "draft",
            "reward_item": "national_standard",
            "award_date": "2023-05-01",
            "reference": "GB/T 43210-2023",
            "issuing_body": "国家市场监督管理总局",
            "description": "",
            "attachments": pdf(),
        },
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 302, response.content.decode()[:1000]
    assert elapsed < 2.0, elapsed


def _fault(server, fault):
    if fault == "hung":
        _freeze(server)
    else:
        server.stop()


class RedisClock:
    """Time spent in the cache and in publishing to the broker (what a faulty Redis can add)."""

    def __init__(self, monkeypatch):
        self.seconds = 0.0
        for owner, name in ((ResilientRedisCache, "_call"), (broker, "publish")):
            monkeypatch.setattr(owner, name, self._timed(getattr(owner, name)))

    def _timed(self, function):
        def timed(*args, **kwargs):
            started = time.monotonic()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += time.monotonic() - started

        return timed

    def fresh(self):
        """Forget that Redis was seen failing: the next request pays the full timeout again."""
        ResilientRedisCache._down_until.clear()
        broker.reset()
        self.seconds = 0.0


@pytest.mark.parametrize("fault", ["hung", "down"])
def test_every_post_action_answers_without_5xx_when_redis_is_hung_or_down(
    client,
    users,
    world,  # noqa: F811
    production_broker,
    django_capture_on_commit_callbacks,
    monkeypatch,
    fault,
):
    """Every POST of the table, empty-bodied, for each role: refused, redirected or shown again, never 5xx."""
    _fault(production_broker, fault)
    clock = RedisClock(monkeypatch)
    errors, slow, tried = [], [], 0
    names = sorted(n for n, row in TABLE.items() if row.method == "POST")
    with time_machine.travel(ASKED_AT, tick=True):
        for role in ROLES_TRIED:
            client.logout()
            if role != "anon":
                client.force_login(users[ROLE_USERS[role]])
            for name in names:
                row = TABLE[name]
                url = reverse(name, kwargs=row.kwargs(world))
                clock.fresh()
                with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
                    response = client.post(url)
                    transaction.set_rollback(True)
                tried += 1
                if response.status_code >= 500:
                    errors.append((role, name, response.status_code))
                if clock.seconds > 0.9:
                    slow.append((role, name, round(clock.seconds, 2)))
    assert tried == len(ROLES_TRIED) * len(names)
    assert errors == [], errors
    assert slow == [], slow


@pytest.mark.parametrize("fault", ["hung", "down"])
def test_the_main_actions_of_each_role_work_once_when_redis_is_hung_or_down(
    client,
    users,
    world,  # noqa: F811
    production_broker,
    django_capture_on_commit_callbacks,
    monkeypatch,
    fault,
):
    """Log in and out, submit and withdraw an application, review it twice, submit a report, propose a
    topic, reply to a 督办 item: each done exactly once (or refused in Chinese), Redis adding well
    under a second, the e-mails it asks for waiting in the outbox for the sweep."""
    from awards.models import Application, ApplicationEvent
    from awards.tests.factories import pdf
    from meetings.models import FollowUpEvent, Topic
    from meetings.services import meeting_draft_for_term
    from notifications.models import Notification
    from targets.models import Report
    from tests.factories import TEST_PASSWORD

    Event = ApplicationEvent.Action
    with time_machine.travel(ASKED_AT, tick=False), django_capture_on_commit_callbacks(execute=False):
        open_call, _ = meeting_draft_for_term(year=2025, half=2)  # its topic call is open on ASKED_AT
    _fault(production_broker, fault)
    clock = RedisClock(monkeypatch)
    timings = []

    def act(role, name, data=None, **kwargs):
        client.logout()
        if role != "anon":
            client.force_login(users[ROLE_USERS[role]])
        clock.fresh()
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):  # the enqueue after commit included
            response = client.post(reverse(name, kwargs=kwargs), data or {})
        timings.append((name, round(clock.seconds, 2), round(time.monotonic() - started, 2)))
        assert response.status_code < 500, (name, response.status_code)
        return response

    with time_machine.travel(ASKED_AT, tick=True):
        # anonymous: log in (the session is in the database, the lockout counter too)
        client.logout()
        clock.fresh()
        response = client.post(reverse("accounts:login"), {"username": "office1", "password": TEST_PASSWORD})
        assert response.status_code == 302 and client.session.get("_auth_user_id") == str(users["office"].pk)
        assert clock.seconds < 0.9
        clock.fresh()
        assert client.post(reverse("accounts:logout")).status_code == 302
        assert "_auth_user_id" not in client.session and clock.seconds < 0.9

        # enterprise: submit a new application (its attachment written once, the office told once)
        before = set(Application.objects.values_list("pk", flat=True))
        pending_before = Notification.objects.filter(status="pending").count()
        response = act(
            "ent_a",
            "awards:application_create",
            {
                "intent": "submit",
                "reward_item": "national_standard",
                "award_date": "2025-05-01",
                "reference": "GB/T 46999-2025",
                "issuing_body": "国家市场监督管理总局",
                "description": "本企业主导起草的国家标准",
                "attachments": pdf(),
                "declaration": "on",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        (new_pk,) = set(Application.objects.values_list("pk", flat=True)) - before
        new = Application.objects.get(pk=new_pk)
        assert new.status == Application.Status.SUBMITTED and new.attachments.count() == 1
        assert ApplicationEvent.objects.filter(application=new, action=Event.SUBMIT).count() == 1
        # enqueueing did not wait for Redis: the e-mails wait in the outbox for the sweep
        assert Notification.objects.filter(status="pending").count() > pending_before

        # enterprise: withdraw the world's submitted application
        response = act(
            "ent_a", "awards:application_withdraw", {"reason": "材料需补充"}, pk=world.application.pk
        )
        assert response.status_code == 302
        world.application.refresh_from_db()
        assert world.application.status == Application.Status.WITHDRAWN
        assert (
            ApplicationEvent.objects.filter(application=world.application, action=Event.WITHDRAW).count() == 1
        )

        # office and approver: the two review decisions on the new application
        act("office", "awards:first_review", {"decision": "pass", "comment": ""}, pk=new.pk)
        act("approver", "awards:second_review", {"decision": "pass", "comment": ""}, pk=new.pk)
        new.refresh_from_db()
        assert new.status == Application.Status.SECOND_PASSED
        for action in (Event.FIRST_PASS, Event.SECOND_PASS):
            assert ApplicationEvent.objects.filter(application=new, action=action).count() == 1

        # member unit: submit its half-year report (done, or refused in Chinese for what is missing)
        response = act("unit_a", "targets:report_submit", pk=world.report.pk)
        assert response.status_code == 302
        world.report.refresh_from_db()
        refused = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
        if world.report.status == Report.Status.SUBMITTED:
            assert Report.objects.filter(pk=world.report.pk, first_submitted_at__isnull=False).count() == 1
        else:  # refused, in Chinese, for what is missing
            assert refused and all(re.search("[\u4e00-\u9fff]", m) for m in refused), refused

        # member unit: propose a topic to the meeting whose call is open
        topics = Topic.objects.filter(meeting=open_call).count()
        response = act(
            "unit_a",
            "meetings:topic_create",
            {"title": "质量提升行动", "background": "背景", "request": "请求", "files": pdf("议题.pdf")},
            pk=open_call.pk,
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        assert Topic.objects.filter(meeting=open_call).count() == topics + 1

        # member unit: reply to its 督办 item (a progress report with evidence)
        events = FollowUpEvent.objects.filter(assignment=world.assignment).count()
        response = act(
            "unit_a",
            "meetings:followup_report",
            {"text": "第二次进展", "files": pdf("进展二.pdf")},
            pk=world.assignment.pk,
        )
        assert response.status_code == 302
        assert FollowUpEvent.objects.filter(assignment=world.assignment).count() == events + 1

    slow = [t for t in timings if t[1] > 0.9]
    assert slow == [], timings
