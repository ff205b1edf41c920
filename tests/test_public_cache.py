"""Public pages are cached for cookie-less visitors only, and keep their security headers."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from awards.models import RewardItem

pytestmark = pytest.mark.django_db


def test_a_first_time_visitor_gets_the_home_page_from_the_cache(policy, django_assert_num_queries):
    client = Client()
    first = client.get(reverse("core:home"))
    assert first.status_code == 200 and not first.cookies
    with django_assert_num_queries(0):
        second = Client().get(reverse("core:home"))
    assert second.content == first.content
    assert "Content-Security-Policy" in second.headers
    assert second["X-Frame-Options"] == "DENY"


def test_an_office_edit_shows_once_the_short_cache_time_has_passed(policy, time_machine):
    import datetime as dt

    time_machine.move_to(dt.datetime(2026, 5, 6, 9, 0, tzinfo=dt.UTC), tick=False)
    url = reverse("core:reward_schedule")
    assert "2,000,000" in Client().get(url).content.decode()
    RewardItem.objects.filter(code="china_quality_award").update(amount_yuan=2_100_000)
    assert "2,000,000" in Client().get(url).content.decode()  # still the cached page
    time_machine.shift(dt.timedelta(seconds=61))
    assert "2,100,000" in Client().get(url).content.decode()


def test_logged_in_users_never_get_the_anonymous_copy(client, users):
    Client().get(reverse("core:home"))  # fills the cache
    client.force_login(users["office"])
    body = client.get(reverse("core:home")).content.decode()
    assert users["office"].display_name in body and "退出" in body


def test_visitors_with_a_cookie_or_a_query_string_get_a_fresh_page(policy, django_assert_max_num_queries):
    Client().get(reverse("core:policy"))
    visitor = Client()
    visitor.cookies["messages"] = "x"
    with django_assert_max_num_queries(10) as ctx:
        visitor.get(reverse("core:policy"))
    assert len(ctx.captured_queries) > 0
    with django_assert_max_num_queries(10) as ctx:
        Client().get(reverse("core:policy") + "?x=1")
    assert len(ctx.captured_queries) > 0


def test_the_publicity_page_is_never_stale_but_repeat_visits_are_cheap(users, django_assert_max_num_queries):
    from awards.services import publicity_publish
    from awards.tests.factories import ApplicationFactory

    url = reverse("awards:publicity")
    assert "监利测试企业" not in Client().get(url).content.decode()
    application = ApplicationFactory(second_passed=True)
    publicity_publish(
        applications=[application],
        start_date=timezone.localdate(),
        published_by=users["office"],
        contact_phone="0716-3300000",
        contact_address="市市场监管局",
    )
    body = Client().get(url).content.decode()
    assert application.enterprise.name in body  # published a moment ago: shown at once
    with django_assert_max_num_queries(2):  # the fingerprint only
        assert Client().get(url).content.decode() == body
