"""Queries per request for every page of ``bench/pages.py``, measured in-process.

Run by ``bench/run.py`` once against the full data set and once against the small one; the counts
must be equal (bounded and independent of data size). Each page is requested twice with Django's
test client as its bench user and the second request is counted (``CaptureQueriesContext``), so
per-process caches (templates, content types) are warm as they are in a running server; then
``BENCH_RENDERS`` (11) more requests are timed and their median is ``render_ms``. Nothing is cached
between requests: every render builds the page from the database. Prints one JSON object per line:
``{"key", "role", "name", "url", "status", "queries", "bytes", "render_ms", "cpu_ms", "sql_ms",
"template_ms", "python_ms", "error"}`` (+ ``admin_*`` for list pages).

Each page's ``cpu_ms`` is the median CPU time of the same renders (steadier than wall time on a
shared machine), and ``sql_ms`` / ``template_ms`` / ``python_ms`` split a few more renders made with
timers installed (``Breakdown``). A list page of ``ADMIN_PEERS`` is rendered in turn with its Django
admin changelist (as the admin user): ``admin_ms`` / ``admin_cpu_ms`` are the admin page's medians
from the same loop, ``admin_ratio`` the page's CPU time over the admin's.

To see where one page's time goes: ``JIANLI_VAR_DIR=var/bench/full .venv/bin/python -m bench.queries
--profile "office:工作台"`` prints the top of a cProfile of 50 renders instead (sorted by
``BENCH_PROFILE_SORT``; with ``BENCH_PROFILE_CALLERS=pattern``, the callers of the matching functions).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jianli_quality.settings")
RENDERS = int(os.environ.get("BENCH_RENDERS", "11"))


class Breakdown:
    """Where one request's time goes: SQL (statements and row fetching), template rendering (outside
    SQL run from templates) and the rest (Python: middleware, views, forms, query building).

    Installed only for the extra breakdown renders, never for the timed ones."""

    def __init__(self):
        self.sql = self.template = 0.0
        self._depth = 0

    def execute(self, execute, sql, params, many, context):
        start = time.process_time()
        try:
            return execute(sql, params, many, context)
        finally:
            self.sql += time.process_time() - start

    @contextlib.contextmanager
    def installed(self, connection):
        from django.db.backends.sqlite3.base import SQLiteCursorWrapper
        from django.template.base import Template

        render, fetchmany = Template.render, SQLiteCursorWrapper.fetchmany
        meter = self

        def timed_render(template, context):
            if meter._depth:
                return render(template, context)
            meter._depth += 1
            start, sql_before = time.process_time(), meter.sql
            try:
                return render(template, context)
            finally:
                meter._depth -= 1
                meter.template += time.process_time() - start - (meter.sql - sql_before)

        def timed_fetchmany(cursor, *args):
            start = time.process_time()
            try:
                return fetchmany(cursor, *args)
            finally:
                meter.sql += time.process_time() - start

        Template.render, SQLiteCursorWrapper.fetchmany = timed_render, timed_fetchmany
        try:
            with connection.execute_wrapper(self.execute):
                yield self
        finally:
            Template.render, SQLiteCursorWrapper.fetchmany = render, fetchmany


def _timed(client, url: str) -> tuple[float, float]:
    """One request: (wall ms, CPU ms of this process)."""
    start, start_cpu = time.perf_counter(), time.process_time()
    client.get(url)
    return (time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000


def breakdown(client, url: str, connection) -> dict:
    """Median split of a few renders into SQL / template / Python ms of CPU time (SQLite runs in this
    process, so its work is CPU time here too)."""
    splits = []
    for _ in range(5):
        meter = Breakdown()
        with meter.installed(connection):
            start = time.process_time()
            client.get(url)
            total = time.process_time() - start
        splits.append((total, meter.sql, meter.template))
    total, sql, template = sorted(splits)[len(splits) // 2]
    return {
        "sql_ms": round(sql * 1000, 2),
        "template_ms": round(template * 1000, 2),
        "python_ms": round((total - sql - template) * 1000, 2),
    }


def measure(profile: str = "", only: str = "") -> list[dict]:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from bench.pages import ADMIN_PEERS, PAGES, TRIVIAL, Ctx, resolve
    from bench.seed import BENCH_USERS

    users = {role: User.objects.filter(username=name).first() for role, name in BENCH_USERS.items()}
    clients: dict[str, Client] = {}
    rows = []
    for page in [TRIVIAL, *PAGES]:
        if (profile and page.key != profile) or (only and only not in page.key):
            continue
        row = {"key": page.key, "role": page.role, "name": page.name, "url": None, "status": None}
        user = users.get(page.role)
        if page.role != "public" and user is None:
            rows.append(row | {"error": f"bench user for role {page.role} missing"})
            continue
        try:
            url = resolve(page, user)
        except LookupError as exc:
            rows.append(row | {"error": str(exc)})
            continue
        client = clients.get(page.role)
        if client is None:
            client = clients[page.role] = Client(raise_request_exception=False)
            if user is not None:
                client.force_login(user)
        client.get(url)  # warm-up: per-process caches (content types, settings rows, templates)
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(50):
                client.get(url)
            profiler.disable()
            stats = pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_PROFILE_SORT", "cumulative"))
            if os.environ.get("BENCH_PROFILE_CALLERS"):  # who calls the functions matching this
                stats.print_callers(os.environ["BENCH_PROFILE_CALLERS"])
            else:
                stats.print_stats(
                    *([os.environ["BENCH_PROFILE_FILTER"]] if os.environ.get("BENCH_PROFILE_FILTER") else []),
                    int(os.environ.get("BENCH_PROFILE_LINES", "60")),
                )
            return []
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        queries = len(captured.captured_queries)  # read now: later requests clear the query log
        peer = None
        if page.key in ADMIN_PEERS and users.get("admin") is not None:
            if "admin" not in clients:
                clients["admin"] = Client(raise_request_exception=False)
                clients["admin"].force_login(users["admin"])
            peer = (clients["admin"], Ctx.reverse(ADMIN_PEERS[page.key]))
            peer[0].get(peer[1])  # warm-up
        times, cpu, peer_times, peer_cpu = [], [], [], []
        for _ in range(RENDERS):
            ms, cpu_ms = _timed(client, url)
            times.append(ms)
            cpu.append(cpu_ms)
            if peer:
                ms, cpu_ms = _timed(*peer)
                peer_times.append(ms)
                peer_cpu.append(cpu_ms)
        rows.append(
            row
            | {
                "url": url,
                "status": response.status_code,
                "queries": queries,
                "bytes": len(response.content) if not response.streaming else None,
                "render_ms": round(statistics.median(times), 2),
                "cpu_ms": round(statistics.median(cpu), 2),
                **breakdown(client, url, connection),
                "error": None if response.status_code == 200 else f"HTTP {response.status_code}",
            }
            | (
                {
                    "admin_url": peer[1],
                    "admin_ms": round(statistics.median(peer_times), 2),
                    "admin_cpu_ms": round(statistics.median(peer_cpu), 2),
                    "admin_ratio": round(statistics.median(cpu) / statistics.median(peer_cpu), 2),
                }
                if peer
                else {}
            )
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="", help="a page key (role:name): profile it instead")
    parser.add_argument("--only", default="", help="measure only the pages whose key contains this")
    args = parser.parse_args()
    for row in measure(args.profile, args.only):
        print(json.dumps(row, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
