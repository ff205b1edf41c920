import datetime as dt

import pytest

from targets import selectors
from targets.models import Report
from targets.services import period_open

pytestmark = pytest.mark.django_db


def test_period_open_creates_one_report_per_responsible_unit_and_is_idempotent(policy):
    period, created = period_open(plan=policy, year=2025, half=2)
    assert created == period.reports.count() > 10
    again, created_again = period_open(plan=policy, year=2025, half=2)
    assert again.pk == period.pk and created_again == 0
    assert Report.objects.filter(period=period).count() == created


def test_selectors_answer_in_bounded_queries(policy, django_assert_max_num_queries):
    period, _ = period_open(plan=policy, year=2025, half=2)
    with django_assert_max_num_queries(3):
        rows = selectors.target_progress_rows(plan=policy, today=dt.date(2026, 11, 1))
    assert len(rows) == policy.targets.count()
    assert all(r["rag"] == "gray" for r in rows)
    with django_assert_max_num_queries(1):
        table = selectors.period_timeliness(period=period, today=dt.date(2026, 11, 1))
    assert {r["timeliness"] for r in table} == {"missing"}
    with django_assert_max_num_queries(1):
        counts = selectors.unit_timeliness_counts(year=2025, today=dt.date(2026, 11, 1))
    assert all(c["missing"] == 1 for c in counts.values())
