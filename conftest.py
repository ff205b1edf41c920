"""Project-wide pytest fixtures: policy data, one user per role, service availability."""

import os
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1
        ):
            return True
    except OSError:
        return False


@pytest.fixture
def require_redis():
    """Tests that need a real Redis: fail in CI (REQUIRE_SERVICES=1) when missing, skip elsewhere."""
    url = settings.REDIS_URL
    if url and _reachable(url, 6379):
        return url
    message = "Redis is not configured or not reachable (set REDIS_URL)"
    if REQUIRE_SERVICES:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def require_postgres():
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    message = "this test needs PostgreSQL (set DATABASE_URL=postgres://…)"
    if REQUIRE_SERVICES:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def policy(db):
    """The Jianli pack (fixtures/policy/jianli/) loaded (once per test database state)."""
    from awards.models import RewardItem
    from policypack.loader import load_pack as load_policy

    if not RewardItem.objects.exists():
        load_policy()
    from targets.models import Plan

    return Plan.objects.get(code="jl-2022-2025")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the policy once into the test database; transactional tests reload it via ``policy``."""
    from policypack.loader import load_pack as load_policy

    with django_db_blocker.unblock():
        load_policy()


@pytest.fixture(autouse=True)
def _isolated_media(tmp_path, settings):
    # a fresh in-memory cache per test: nothing cached by one test (or by a developer's `make run`)
    # is seen by another
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(tmp_path)}
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # the policy document read by an earlier test (perhaps another county's pack, rolled back since)
    from core.policy import forget_policy_document

    forget_policy_document()


@pytest.fixture(autouse=True)
def _no_broker_in_unit_tests(request, monkeypatch):
    """Unit tests never talk to a broker; tests marked ``redis`` or ``slow`` use the real one.
    Every test starts with the broker considered reachable (core.broker's back-off forgotten)."""
    from core import broker

    broker.reset()
    if request.node.get_closest_marker("redis") or request.node.get_closest_marker("slow"):
        yield
        return
    from tests.celery_broker import use_broker

    with use_broker("memory://"):
        yield


@pytest.fixture
def users(policy):
    """One user per role (two of the enterprise and unit roles, for outsider checks)."""
    from committee.models import MemberUnit
    from tests.factories import EnterpriseFactory, UserFactory

    unit_a = MemberUnit.objects.get(name="市农业农村局")
    unit_b = MemberUnit.objects.get(name="容城镇")
    ent_a = EnterpriseFactory(name="甲企业有限公司")
    ent_b = EnterpriseFactory(name="乙企业有限公司")
    return {
        "enterprise_a": UserFactory(role="enterprise", enterprise=ent_a, username="ent_a"),
        "enterprise_b": UserFactory(role="enterprise", enterprise=ent_b, username="ent_b"),
        "unit_a": UserFactory(role="unit", member_unit=unit_a, username="unit_a"),
        "unit_b": UserFactory(role="unit", member_unit=unit_b, username="unit_b"),
        "office": UserFactory(role="office_staff", username="office1", full_name="办公室甲"),
        "approver": UserFactory(role="office_approver", username="approver1", full_name="瞿建民"),
        "approver2": UserFactory(role="office_approver", username="approver2", full_name="吴建林"),
        "admin": UserFactory(role="admin", username="admin1", is_staff=True, is_superuser=True),
    }
