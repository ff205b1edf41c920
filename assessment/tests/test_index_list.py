"""年度督查考核 list: filter by state, sortable headers, 打开该年度 still opens a year, a bad value is
a Chinese error, the same queries with more schemes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.models import AssessmentScheme
from assessment.services import scheme_publish, scheme_save

from .test_assessment import ITEMS

pytestmark = pytest.mark.django_db
URL = reverse("assessment:index")


@pytest.fixture
def schemes(policy, users):
    scheme_save(year=2024, note="", items=ITEMS, by=users["office"])
    scheme_publish(scheme=AssessmentScheme.objects.get(year=2024), by=users["approver"])
    scheme_save(year=2025, note="", items=ITEMS[:2], by=users["office"])


def _years(response):
    return [s.year for s in response.context["schemes"]]


def test_schemes_filter_by_state_and_sort(client, users, schemes):
    client.force_login(users["office"])
    assert _years(client.get(URL)) == [2025, 2024]
    assert _years(client.get(URL, {"status": "published"})) == [2024]
    assert _years(client.get(URL, {"status": "draft"})) == [2025]
    assert _years(client.get(URL, {"o": "year"})) == [2024, 2025]
    page = client.get(URL, {"o": "status"})
    assert _years(page) == [2025, 2024] and "状态 ▲" in page.content.decode()  # 未发布 (draft) first
    assert _years(client.get(URL, {"o": "-status"})) == [2024, 2025]


def test_opening_a_year_still_redirects_and_a_bad_year_or_filter_is_chinese(client, users, schemes):
    client.force_login(users["office"])
    opened = client.get(URL, {"year": 2026})
    assert opened.status_code == 302 and opened["Location"] == reverse("assessment:scheme", args=[2026])
    bad_year = client.get(URL, {"year": "1900"})
    assert bad_year.status_code == 400 and "2000" in bad_year.content.decode()
    bad_filter = client.get(URL, {"status": "archived"})
    assert bad_filter.status_code == 200 and "筛选条件有误" in bad_filter.content.decode()
    assert _years(bad_filter) == [2025, 2024]
    assert not AssessmentScheme.objects.filter(year=2026).exists()


def _count(client, params) -> int:
    client.get(URL, params)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, params).status_code == 200
    return len(ctx.captured_queries)


def test_schemes_query_count_does_not_grow(client, users, schemes):
    client.force_login(users["office"])
    params = {"o": "-published"}
    small = _count(client, params)
    for year in range(2026, 2031):
        scheme_save(year=year, note="", items=ITEMS, by=users["office"])
    assert _count(client, params) == small
