"""Every page with the cache (Redis) hung or down: no 5xx, and little time added.

Production points the cache at Redis (core.cache_backends.ResilientRedisCache with sub-second socket
timeouts). Here the cache is a redis-server of the test's own, frozen with SIGSTOP (a hung Redis:
connections are accepted, nothing is answered) or stopped (connections refused).
"""

import os
import signal
import time

import pytest
import time_machine
from django.core.cache import caches
from django.db import transaction
from django.urls import reverse

from core.cache_backends import ResilientRedisCache
from scheduler.tests.conftest import RedisServer, stoppable_redis

from .access_matrix_table import ROLE_USERS, TABLE
from .test_access_matrix import ASKED_AT, world  # noqa: F401  (the fixture with an object for every URL)

pytestmark = [pytest.mark.redis, pytest.mark.django_db]

# the public pages first: they are what visitors (and the statutory 公示) depend on
PUBLIC_PAGES = ("core:home", "core:policy", "core:reward_schedule", "awards:publicity")
ROLES_TRIED = ("anon", "unit_a", "office")


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
    production_cache,
    django_capture_on_commit_callbacks,
    fault,  # noqa: F811
):
    if fault == "hung":
        _freeze(production_cache)
    else:
        production_cache.stop()
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
                started = time.monotonic()
                with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
                    response = client.get(url)
                    transaction.set_rollback(True)
                elapsed = time.monotonic() - started
                requests += 1
                if response.status_code >= 500 and name != "core:readyz":
                    errors.append((role, name, response.status_code))
                if elapsed > 2.0:
                    slow.append((role, name, round(elapsed, 2)))
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
