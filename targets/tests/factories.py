"""Factories of the targets app (plans, targets, periods, reports, statistics)."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from core.models import ImportBatch
from targets.models import Plan, Report, ReportingPeriod, Statistic, Target, TargetOwner
from tests.factories import MemberUnitFactory


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = Plan
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test-plan-{n}")
    name = factory.Sequence(lambda n: f"测试规划{n}")
    start_date = dt.date(2026, 1, 1)
    end_date = dt.date(2030, 12, 31)


class TargetFactory(DjangoModelFactory):
    class Meta:
        model = Target

    plan = factory.SubFactory(PlanFactory)
    code = factory.Sequence(lambda n: f"X{n:02d}")
    category = Target.Category.QUALITY
    kind = Target.Kind.AT_LEAST
    name = factory.Sequence(lambda n: f"测试指标{n}")
    measure_unit = "家"
    target_value = Decimal(100)
    baseline_date = factory.LazyAttribute(lambda o: o.plan.start_date - dt.timedelta(days=1))
    deadline = factory.LazyAttribute(lambda o: o.plan.end_date)
    order = factory.Sequence(lambda n: n)


class TargetOwnerFactory(DjangoModelFactory):
    class Meta:
        model = TargetOwner

    target = factory.SubFactory(TargetFactory)
    unit = factory.SubFactory(MemberUnitFactory)
    role = TargetOwner.Role.LEAD


class PeriodFactory(DjangoModelFactory):
    class Meta:
        model = ReportingPeriod
        django_get_or_create = ("plan", "year", "half")

    plan = factory.SubFactory(PlanFactory)
    year = 2026
    half = 1
    start_date = factory.LazyAttribute(lambda o: ReportingPeriod.bounds(o.year, o.half)[0])
    end_date = factory.LazyAttribute(lambda o: ReportingPeriod.bounds(o.year, o.half)[1])
    due_date = factory.LazyAttribute(lambda o: o.end_date + dt.timedelta(days=15))


class ReportFactory(DjangoModelFactory):
    class Meta:
        model = Report

    period = factory.SubFactory(PeriodFactory)
    unit = factory.SubFactory(MemberUnitFactory)

    class Params:
        submitted = factory.Trait(
            status=Report.Status.SUBMITTED,
            first_submitted_at=factory.LazyFunction(timezone.now),
            submitted_at=factory.LazyFunction(timezone.now),
        )


class StatisticFactory(DjangoModelFactory):
    class Meta:
        model = Statistic

    target = factory.SubFactory(TargetFactory)
    value = Decimal(10)
    as_of = dt.date(2026, 6, 30)
    source = "测试来源"
    origin = Statistic.Origin.IMPORT


def statistics_batch(plan: Plan, by, name: str = "x.xlsx") -> ImportBatch:
    """An import batch of statistics for ``plan`` (its file is not stored: the rows refer to it)."""
    return ImportBatch.objects.create(
        kind="targets.statistics",
        file="targets/imports/x.xlsx",
        original_name=name,
        params={"plan": plan.pk, "source": ""},
        uploaded_by=by,
    )
