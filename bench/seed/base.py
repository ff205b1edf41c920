"""Shared pieces of the bench seeder: scales, bench users, the context, bulk helpers."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from dataclasses import dataclass, field

# bump when the seeding code changes what it writes: the cached bench database is rebuilt
SEED_VERSION = 4
BENCH_PASSWORD = "Bench#Passw0rd-2026"
BATCH = 2000

SCALES = {
    "full": {
        "years": 10,
        "enterprises": 5000,
        "applications": 30000,
        "min_units": 60,
        "office_staff": 10,
        "decisions_per_meeting": 60,
        "work_plan_tasks_per_year": 100,
        "topics_per_meeting": 12,
        "notifications": {"office_staff": 2000, "office_approver": 2000, "unit": 200, "enterprise": 10},
    },
    "small": {
        "years": 2,
        "enterprises": 50,
        "applications": 300,
        "min_units": 60,
        "office_staff": 2,
        "decisions_per_meeting": 6,
        "work_plan_tasks_per_year": 10,
        "topics_per_meeting": 3,
        "notifications": {"office_staff": 20, "office_approver": 20, "unit": 5, "enterprise": 2},
    },
}

# the users the benchmark logs in as (one per role); bench/pages.py refers to them by role
BENCH_USERS = {
    "enterprise": "bench_enterprise",
    "unit": "bench_unit",
    "office": "bench_office",
    "approver": "bench_approver",
    "admin": "bench_admin",
}
BENCH_UNIT_NAME = "市市场监管局"  # owns the most targets: the heaviest unit workbench


@dataclass
class Context:
    scale: dict
    today: dt.date
    rng: random.Random
    password_hash: str
    users: dict = field(default_factory=dict)  # role -> bench user
    office_users: list = field(default_factory=list)
    approvers: list = field(default_factory=list)
    unit_users: dict = field(default_factory=dict)  # unit id -> user
    enterprise_users: dict = field(default_factory=dict)  # enterprise id -> user
    units: list = field(default_factory=list)
    enterprises: list = field(default_factory=list)
    halves: list = field(default_factory=list)  # [(year, half)] oldest first; the last is current
    counts: dict = field(default_factory=dict)

    def aware(self, day: dt.date, hour: int = 10) -> dt.datetime:
        from django.utils import timezone

        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, self.rng.randrange(60))))

    def day_in(self, start: dt.date, end: dt.date) -> dt.date:
        span = max((end - start).days, 0)
        return start + dt.timedelta(days=self.rng.randint(0, span))


def _filler(model):
    """Values for required fields a seeder did not name (apps keep adding fields while we seed)."""
    from django.db import models

    values = {}
    for f in model._meta.concrete_fields:
        if f.auto_created or f.has_default() or f.null or getattr(f, "auto_now", False):
            continue
        if getattr(f, "auto_now_add", False):
            continue
        if f.choices:
            values[f.attname] = f.choices[0][0]
        elif isinstance(f, models.BooleanField):
            values[f.attname] = False
        elif isinstance(f, models.DecimalField | models.FloatField):
            values[f.attname] = 0
        elif isinstance(f, models.IntegerField):
            values[f.attname] = 1
        elif isinstance(f, models.DateTimeField):
            from django.utils import timezone

            values[f.attname] = timezone.now()
        elif isinstance(f, models.DateField):
            values[f.attname] = dt.date.today()
        elif isinstance(f, models.JSONField):
            values[f.attname] = {}
        elif isinstance(f, models.FileField):
            values[f.attname] = "" if f.blank else "bench/placeholder.bin"
        elif isinstance(f, models.CharField | models.TextField) and not f.blank:
            values[f.attname] = "基准测试"[: f.max_length or 100]
        elif isinstance(f, models.ForeignKey) and not f.null:
            related = f.related_model._default_manager.order_by("pk").values_list("pk", flat=True).first()
            if related is not None:
                values[f.attname] = related
    return values


_FILLERS: dict = {}


def make(model, **fields):
    """An unsaved instance with ``fields``; other required fields get harmless values."""
    if model not in _FILLERS:
        _FILLERS[model] = _filler(model)
    given = set(fields)
    for name in list(given):
        with contextlib.suppress(Exception):  # not a field name: the constructor will say so
            given.add(model._meta.get_field(name).attname)
    extra = {k: v for k, v in _FILLERS[model].items() if k not in given}
    return model(**extra, **fields)


def bulk(model, objs: list, ctx: Context | None = None) -> list:
    """bulk_create in batches; models with django-simple-history get their history rows too."""
    if not objs:
        return []
    if hasattr(model, "history") and hasattr(model._meta, "simple_history_manager_attribute"):
        from simple_history.utils import bulk_create_with_history

        created = bulk_create_with_history(objs, model, batch_size=BATCH)
    else:
        created = model.objects.bulk_create(objs, batch_size=BATCH)
    if ctx is not None:
        key = model._meta.label
        ctx.counts[key] = ctx.counts.get(key, 0) + len(created)
    return created


def _pks(model, **filters) -> list[int]:
    return list(model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True))


def _with_pks(model, objs: list, ctx: Context, order_field: str) -> list:
    """bulk_create, then re-read the rows (SQLite and PostgreSQL both return pks, but history needs
    saved instances; re-reading keeps the seeder independent of backend support)."""
    bulk(model, objs, ctx)
    return list(model.objects.order_by(order_field, "pk"))
