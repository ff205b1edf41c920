"""Queries per request for every page of ``bench/pages.py``, measured in-process.

Run by ``bench/run.py`` once against the full data set and once against the small one; the counts
must be equal (bounded and independent of data size). Each page is requested twice with Django's
test client as its bench user and the second request is counted (``CaptureQueriesContext``), so
per-process caches are warm as they are in a running server; then five more requests are timed and
their median is ``render_ms``. Run with the page cache off (``PAGE_CACHE_SECONDS=0``): these are the
costs of rendering a page, as after a change to its data. Prints one JSON object per line:
``{"key", "role", "name", "url", "status", "queries", "bytes", "render_ms", "error"}``.

To see where one page's time goes: ``JIANLI_VAR_DIR=var/bench/full .venv/bin/python -m bench.queries
--profile "office:工作台"`` prints the top of a cProfile of 50 renders instead.
"""

from __future__ import annotations

import argparse
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
os.environ["PAGE_CACHE_SECONDS"] = "0"


def measure(profile: str = "") -> list[dict]:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from bench.pages import PAGES, TRIVIAL, resolve
    from bench.seed import BENCH_USERS

    users = {role: User.objects.filter(username=name).first() for role, name in BENCH_USERS.items()}
    clients: dict[str, Client] = {}
    rows = []
    for page in [TRIVIAL, *PAGES]:
        if profile and page.key != profile:
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
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
            return []
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        queries = len(captured.captured_queries)  # read now: later requests clear the query log
        times = []
        for _ in range(5):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        rows.append(
            row
            | {
                "url": url,
                "status": response.status_code,
                "queries": queries,
                "bytes": len(response.content) if not response.streaming else None,
                "render_ms": round(statistics.median(times), 2),
                "error": None if response.status_code == 200 else f"HTTP {response.status_code}",
            }
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="", help="a page key (role:name): profile it instead")
    for row in measure(parser.parse_args().profile):
        print(json.dumps(row, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
