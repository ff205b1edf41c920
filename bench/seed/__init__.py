"""Seed the benchmark database: ten years of a county the size of the Jianli pack's, ten times over.

Run by ``bench/run.py`` (never against the development database: the caller points
``JIANLI_VAR_DIR`` / ``DATABASE_URL`` at the bench database first). One function per app; each
imports that app's models inside the function (Django is set up by then) directly: a renamed model
fails the seeder loudly instead of leaving its rows out. Rows are written with ``bulk_create`` in
batches (history rows too, via ``bulk_create_with_history``, so history pages see realistic volumes).

    python -m bench.seed --scale full|small      # prints a JSON summary on the last line

Volumes at ``full`` scale (``SCALES``): 5,000 enterprises with one user each, 30,000 reward
applications over ten years with their timelines and attachments, ≥ 60 member units × 20
half-years of progress reports with target and measure lines, the accepted values as statistics,
20 joint meetings with invitations, topics, agendas and decisions, yearly work plans, thousands of
follow-up items with assignments and events, and ~90,000 notifications.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jianli_quality.settings")

from .accounts import seed_accounts  # noqa: E402
from .awards import seed_awards  # noqa: E402
from .base import BENCH_PASSWORD, BENCH_USERS, SCALES, SEED_VERSION, Context  # noqa: E402
from .meetings import seed_meetings  # noqa: E402
from .notifications import seed_notifications  # noqa: E402
from .scheduler import seed_scheduler  # noqa: E402
from .targets import seed_targets  # noqa: E402

__all__ = ["BENCH_PASSWORD", "BENCH_USERS", "SCALES", "SEED_VERSION", "main", "seed"]

PROJECT_APPS = {
    "accounts",
    "core",
    "committee",
    "targets",
    "awards",
    "meetings",
    "notifications",
    "scheduler",
}
SEEDERS = [seed_accounts, seed_awards, seed_targets, seed_meetings, seed_notifications, seed_scheduler]


# --- entry point ----------------------------------------------------------------------------------


def halves_until(today: dt.date, years: int) -> list[tuple[int, int]]:
    current = (today.year, 1 if today.month <= 6 else 2)
    out = []
    year, half = current
    for _ in range(years * 2):
        out.append((year, half))
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    return out[::-1]


def seed(scale_name: str) -> dict:
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_policy", verbosity=0)
    today = timezone.localdate()
    ctx = Context(
        scale=SCALES[scale_name],
        today=today,
        rng=random.Random(20220101),
        password_hash=make_password(BENCH_PASSWORD),
        halves=halves_until(today, SCALES[scale_name]["years"]),
    )
    timings = {}
    for seeder in SEEDERS:
        t0 = time.perf_counter()
        with transaction.atomic():  # a seeder that fails stops the seeding: no half-seeded bench
            seeder(ctx)
        timings[seeder.__name__] = round(time.perf_counter() - t0, 1)
        print(f"  {seeder.__name__}: {timings[seeder.__name__]} s", file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics (PostgreSQL and SQLite alike)
    from django.apps import apps

    totals = {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS and not model.__name__.startswith("Historical")
    }
    return {
        "scale": scale_name,
        "seed_version": SEED_VERSION,
        "seconds": round(time.perf_counter() - started, 1),
        "timings": timings,
        "counts": {k: v for k, v in sorted(totals.items()) if v},
        "inserted": dict(sorted(ctx.counts.items())),
        "today": today.isoformat(),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    args = parser.parse_args(argv)
    summary = seed(args.scale)
    print(json.dumps(summary, ensure_ascii=False))
    return 0
