"""Fixtures of the targets tests: an opened period of the 2022–2025 plan and the reports in it."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from committee.models import MemberUnit
from targets.models import Report
from targets.services import LineInput, MeasureInput, ReportInput, period_open, report_save
from tests.factories import UserFactory

# late 2025: the 2025 上半年 period is over and its due date (2025-07-15) has passed
NOW = dt.datetime(2025, 9, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def market_user(policy):
    """A user of 市市场监管局, the unit owning most targets (another unit than ``unit_a``)."""
    unit = MemberUnit.objects.get(name="市市场监管局")
    return UserFactory(role="unit", member_unit=unit, username="unit_market")


@pytest.fixture
def period(policy, users, clock):
    period, _ = period_open(plan=policy, year=2025, half=1, by=users["office"])
    return period


@pytest.fixture
def report_a(period, users):
    return Report.objects.get(period=period, unit=users["unit_a"].member_unit)


@pytest.fixture
def report_market(period, market_user):
    return Report.objects.get(period=period, unit=market_user.member_unit)


def complete_input(report: Report, value: str = "50", stat_date=None) -> ReportInput:
    """Every line of ``report`` filled (targets: value/date/source; measures: progress)."""
    stat_date = stat_date or report.period.end_date
    data = ReportInput(summary="总体推进顺利")
    for line in report.target_lines.select_related("target"):
        v = Decimal(value)
        if line.target.is_rate:
            v = min(v, Decimal(100))
        data.lines[line.target_id] = LineInput(
            value=v, stat_date=stat_date, source="业务主管部门台账", note=""
        )
    for line in report.measure_lines.all():
        data.measures[line.measure_id] = MeasureInput(
            progress="按计划推进", problems="", next_steps="继续推进"
        )
    return data


@pytest.fixture
def fill():
    def _fill(report, user, **kwargs):
        return report_save(report=report, by=user, data=complete_input(report, **kwargs))

    return _fill
