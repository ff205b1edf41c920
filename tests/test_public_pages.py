"""Public pages are rendered for every request: an edit shows at once, and they answer with the cache down."""

import socket

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from awards.models import RewardItem

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ("core:home", "core:policy", "core:reward_schedule", "awards:publicity")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # released again: nothing listens there


def test_an_office_edit_shows_on_the_next_anonymous_visit(policy):
    url = reverse("core:reward_schedule")
    assert "2,000,000" in Client().get(url).content.decode()
    RewardItem.objects.filter(code="china_quality_award").update(amount_yuan=2_100_000)
    body = Client().get(url).content.decode()
    assert "2,100,000" in body and "2,000,000" not in body


def test_the_publicity_page_shows_a_new_list_and_a_renamed_enterprise_at_once(users):
    from awards.services import publicity_publish
    from awards.tests.factories import ApplicationFactory

    url = reverse("awards:publicity")
    assert "监利测试企业" not in Client().get(url).content.decode()
    application = ApplicationFactory(second_passed=True)
    publicity_publish(
        applications=[application],
        start_date=timezone.localdate(),
        by=users["office"],
        contact_phone="0716-3300000",
        contact_address="市市场监管局",
    )
    assert application.enterprise.name in Client().get(url).content.decode()
    type(application.enterprise).objects.filter(pk=application.enterprise_id).update(name="监利改名后企业")
    body = Client().get(url).content.decode()
    assert "监利改名后企业" in body and application.enterprise.name not in body


def test_public_pages_answer_with_the_cache_unreachable(policy):
    down = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    with override_settings(CACHES=down):
        for name in PUBLIC_PAGES:
            response = Client().get(reverse(name))
            assert response.status_code == 200, name
            assert response["X-Frame-Options"] == "DENY"
            assert "Content-Security-Policy" in response.headers


def test_logged_in_users_get_their_own_header_on_public_pages(client, users):
    Client().get(reverse("core:home"))
    client.force_login(users["office"])
    body = client.get(reverse("core:home")).content.decode()
    assert users["office"].display_name in body and "退出" in body
