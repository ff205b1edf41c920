"""Excel import and export timings against openpyxl alone, on the bench database.

Import: a 10,000-row xlsx through the project's real import path (upload validation, preview with
every row checked, apply with history rows), compared with openpyxl ``load_workbook(read_only=True)``
iterating the same file. The import runs inside a transaction that is rolled back, so the cached
bench database is left as it was.

Export: 100,000 rows through the project's export path (``core.documents.build_workbook`` +
``xlsx_bytes``: styled header, formula escaping, column widths) compared with openpyxl's
``write_only`` workbook writing the same rows.

Hooks: ``IMPORT_HOOKS`` / ``EXPORT_HOOKS`` map a name to a function; switch with
``--import-hook`` / ``--export-hook`` (or ``BENCH_IMPORT_HOOK`` / ``BENCH_EXPORT_HOOK``). Each
timing is the least CPU time of ``--repeat`` runs, the project's path and openpyxl's run in turn
(the least wall time is reported too). Prints one JSON
object on the last line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import io
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jianli_quality.settings")


def best_of(repeat: int, func: Callable[[], object]) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return min(times), result


def best_of_pair(repeat: int, project: Callable[[], object], library: Callable[[], object]) -> dict:
    """The project's path and openpyxl alone, run in turn ``repeat`` times (so both see the same
    machine): the least CPU time of each (this process only: SQLite's work included, other
    processes on a shared machine excluded) and, for reference, the least wall time."""
    cpu: dict[str, list[float]] = {"project": [], "openpyxl": []}
    wall: dict[str, list[float]] = {"project": [], "openpyxl": []}
    results = {}
    for _ in range(repeat):
        for name, func in (("project", project), ("openpyxl", library)):
            gc.collect()
            started, started_cpu = time.perf_counter(), time.process_time()
            results[name] = func()
            cpu[name].append(time.process_time() - started_cpu)
            wall[name].append(time.perf_counter() - started)
    return {
        "project_s": round(min(cpu["project"]), 3),
        "openpyxl_s": round(min(cpu["openpyxl"]), 3),
        "ratio": round(min(cpu["project"]) / min(cpu["openpyxl"]), 2),
        "project_wall_s": round(min(wall["project"]), 3),
        "openpyxl_wall_s": round(min(wall["openpyxl"]), 3),
        "clock": "cpu",
        "results": results,
    }


def openpyxl_read(data: bytes) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True)
    count = 0
    for ws in wb.worksheets:
        for _row in ws.iter_rows(values_only=True):
            count += 1
    wb.close()
    return count


def openpyxl_write(headers: list[str], rows: list[list]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- import hooks: (rows) -> (xlsx bytes, run(bytes) -> rows imported) ------------------------------


def targets_statistics_import(rows: int):
    """The office's official statistics import (targets): preview + apply, history rows included."""
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.utils import timezone
    from openpyxl import Workbook

    from accounts.models import User
    from bench.seed import BENCH_USERS
    from core.models import ImportBatch
    from core.uploads import validate_upload
    from targets.excel import STAT_HEADERS, STAT_SHEET
    from targets.models import Plan
    from targets.services.imports import statistics_import_apply, statistics_import_preview

    plan = Plan.objects.get(is_current=True)
    office = User.objects.get(username=BENCH_USERS["office"])
    targets = list(plan.targets.filter(active=True).order_by("order"))
    today = timezone.localdate()
    last = min(plan.end_date, today)
    days = (last - plan.start_date).days + 1
    if len(targets) * days < rows:
        raise RuntimeError(f"only {len(targets) * days} distinct (target, date) pairs for {rows} rows")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(STAT_SHEET)
    ws.append(STAT_HEADERS)
    for i in range(rows):
        target = targets[i % len(targets)]
        as_of = plan.start_date + dt.timedelta(days=i // len(targets))
        value = round(min(float(target.target_value or 50), 100.0) * 0.5 + (i % 7), 2)
        ws.append([target.code, target.name, value, as_of, "市统计局", f"第{i + 1}行"])
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()

    def run(payload: bytes) -> int:
        upload = SimpleUploadedFile("统计数据.xlsx", payload)
        with transaction.atomic():
            validate_upload(upload, kinds=("xlsx",), max_bytes=settings.MAX_XLSX_BYTES)
            preview = statistics_import_preview(
                plan=plan, uploaded=upload, source="市统计局", by=office, today=today
            )
            if not preview.ok:
                raise RuntimeError(f"import refused: {preview.errors[:3]}")
            count = statistics_import_apply(batch=preview.batch, by=office)
            stored = ImportBatch.objects.get(pk=preview.batch.pk).file
            transaction.set_rollback(True)  # leave the cached bench database as it was
        stored.storage.delete(stored.name)
        return count

    return data, run


IMPORT_HOOKS = {"targets.statistics": targets_statistics_import}


# --- export hooks: (headers, rows) -> xlsx bytes ----------------------------------------------------


def core_documents_export(headers: list[str], rows: list[list]) -> bytes:
    from core.documents import build_workbook, xlsx_bytes

    return xlsx_bytes(build_workbook([("申报台账", headers, rows)]))


EXPORT_HOOKS = {"core.documents": core_documents_export}

EXPORT_HEADERS = [
    "申报编号",
    "企业名称",
    "统一社会信用代码",
    "奖励项目",
    "奖励金额（元）",
    "状态",
    "提交日期",
    "证书编号",
]


def export_rows(count: int) -> list[list]:
    """``count`` realistic ledger rows from the bench applications (cycled when there are fewer)."""
    from awards.models import Application

    source = list(
        Application.objects.order_by("pk").values_list(
            "pk",
            "enterprise__name",
            "enterprise__credit_code",
            "reward_item__name",
            "amount_yuan",
            "status",
            "submitted_at",
            "reference",
        )[:count]
    )
    if not source:
        raise RuntimeError("no applications in the bench database")
    rows = []
    for i in range(count):
        pk, name, code, item, amount, status, submitted, ref = source[i % len(source)]
        rows.append(
            [
                f"JL-{i + 1:06d}",
                name,
                code,
                item,
                amount,
                status,
                submitted.date() if submitted else None,
                ref,
            ]
        )
    return rows


def worst_cases(repeat: int) -> list[dict]:
    """Each xlsx importer given the issue-12 file: within the upload limit, one sheet of 540,000 (and
    300,000) rows, its <dimension> removed (``tests.hostile_xlsx.swell``). Time: best of ``repeat``; peak memory:
    tracemalloc over one more run. The unit template is measured at its reading stage (open with
    its limits, signed identity, rows), which is where a swollen file costs."""
    import tracemalloc

    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    from accounts.models import User
    from awards.services import legacy_import_preview
    from awards.services.legacy import COLUMNS as LEGACY_COLUMNS
    from committee.roster_io import COLUMNS as ROSTER_COLUMNS
    from committee.roster_io import read_roster_workbook
    from targets import excel
    from targets.selectors import current_plan
    from targets.services.imports import ImportRefused, statistics_import_preview
    from tests.hostile_xlsx import swell

    def book(headers, title=None) -> bytes:
        wb = Workbook()
        if title:
            wb.active.title = title
        wb.active.append(list(headers))
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()

    office = User.objects.filter(role__in=["office_staff", "office_approver"]).first()
    plan = current_plan()

    def template(upload):
        wb = excel.open_upload(upload, limits=excel.TEMPLATE_LIMITS)
        excel.read_rows(wb[excel.TARGET_SHEET], required=["指标编号"])

    cases = [
        ("unit template (targets)", book(excel.TARGET_HEADERS, excel.TARGET_SHEET), template),
        (
            "statistics (targets)",
            book(excel.STAT_HEADERS),
            lambda u: statistics_import_preview(plan=plan, uploaded=u, source="bench", by=office),
        ),
        (
            "legacy rewards (awards)",
            book([label for _k, label in LEGACY_COLUMNS]),
            lambda u: legacy_import_preview(upload=u),
        ),
        ("committee roster", book(ROSTER_COLUMNS), read_roster_workbook),
    ]
    out = []
    # 540,000 rows: the sheet part is over its 20 MB cap; 300,000: under it, refused by counting rows
    for (name, seed, run), rows in ((c, r) for c in cases for r in (540_000, 300_000)):
        data = swell(seed, rows=rows)

        def once(data=data, run=run):
            try:
                run(SimpleUploadedFile("worst.xlsx", data))
            except (ValidationError, ImportRefused, excel.TemplateRefused) as exc:
                return "refused: " + (exc.messages[0] if hasattr(exc, "messages") else str(exc))[:60]
            return "processed"

        seconds, outcome = best_of(repeat, once)
        tracemalloc.start()
        once()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        out.append(
            {
                "importer": name,
                "rows": rows,
                "file_bytes": len(data),
                "seconds": round(seconds, 3),
                "peak_mib": round(peak / 2**20, 1),
                "outcome": outcome,
            }
        )
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--import-hook", default=os.environ.get("BENCH_IMPORT_HOOK", "targets.statistics"))
    parser.add_argument("--export-hook", default=os.environ.get("BENCH_EXPORT_HOOK", "core.documents"))
    args = parser.parse_args(argv)

    import django

    django.setup()
    result: dict = {"import": None, "export": None}

    try:
        data, run = IMPORT_HOOKS[args.import_hook](args.import_rows)
        timing = best_of_pair(args.repeat, lambda: run(data), lambda: openpyxl_read(data))
        results = timing.pop("results")
        result["import"] = {
            "hook": args.import_hook,
            "rows": results["project"],
            "file_bytes": len(data),
            "rows_read_by_openpyxl": results["openpyxl"],
            **timing,
        }
    except Exception as exc:  # report and go on to the export
        result["import"] = {"hook": args.import_hook, "error": f"{type(exc).__name__}: {exc}"[:500]}

    try:
        rows = export_rows(args.export_rows)
        export = EXPORT_HOOKS[args.export_hook]
        timing = best_of_pair(
            args.repeat, lambda: export(EXPORT_HEADERS, rows), lambda: openpyxl_write(EXPORT_HEADERS, rows)
        )
        results = timing.pop("results")
        result["export"] = {
            "hook": args.export_hook,
            "rows": len(rows),
            **timing,
            "project_bytes": len(results["project"]),
            "openpyxl_bytes": len(results["openpyxl"]),
        }
    except Exception as exc:
        result["export"] = {"hook": args.export_hook, "error": f"{type(exc).__name__}: {exc}"[:500]}

    try:
        result["worst_cases"] = worst_cases(args.repeat)
    except Exception as exc:
        result["worst_cases"] = [{"importer": "all", "error": f"{type(exc).__name__}: {exc}"[:500]}]

    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
