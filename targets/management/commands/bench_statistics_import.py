"""Measure the statistics import against openpyxl's own read time for the same file.

    python manage.py bench_statistics_import [--rows 10000]

Builds an xlsx of ``--rows`` statistics rows for the current plan, times openpyxl reading every
cell of it (read-only mode, the floor any import pays), then times the full import (checks every
row, stores the preview batch, confirms: Statistic rows plus their history rows), and prints the
ratio. Everything the import wrote is rolled back.
"""

import datetime as dt
import io
import time
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from openpyxl import Workbook, load_workbook

from targets.excel import STAT_HEADERS, STAT_SHEET
from targets.models import Plan
from targets.services import statistics_import_apply, statistics_import_preview


def build_file(plan: Plan, rows: int) -> bytes:
    targets = list(plan.targets.filter(active=True))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(STAT_SHEET)
    ws.append(STAT_HEADERS)
    span = (plan.end_date - plan.start_date).days
    for i in range(rows):
        target = targets[i % len(targets)]
        value = min(100, 50 + i % 50) if target.is_rate else i % 1000
        as_of = plan.start_date + dt.timedelta(days=(i // len(targets)) % span)
        ws.append([target.code, target.name, value, as_of, "", f"第 {i + 1} 行"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


class Command(BaseCommand):
    help = "统计数据导入性能：导入耗时与 openpyxl 读取同一文件耗时之比"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=10000)

    def handle(self, *args: Any, rows: int, **options: Any) -> None:
        plan = Plan.objects.filter(is_current=True).first() or Plan.objects.first()
        if plan is None:
            raise CommandError("没有规划数据，请先运行 load_policy。")
        content = build_file(plan, rows)

        started = time.perf_counter()
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        cells = sum(len(r) for r in wb.worksheets[0].iter_rows(values_only=True))
        read_seconds = time.perf_counter() - started

        with transaction.atomic():
            user = get_user_model().objects.create(username="bench-statistics-import", role="office_staff")
            upload = SimpleUploadedFile("bench.xlsx", content)
            started = time.perf_counter()
            preview = statistics_import_preview(
                plan=plan, uploaded=upload, source="性能测试", by=user, today=plan.end_date
            )
            if not preview.ok or preview.batch is None:
                raise CommandError(f"测试文件有错误：{preview.errors[:3]}")
            preview_seconds = time.perf_counter() - started
            written = statistics_import_apply(batch=preview.batch, by=user)
            import_seconds = time.perf_counter() - started
            preview.batch.file.delete(save=False)
            transaction.set_rollback(True)

        self.stdout.write(f"rows={rows} cells={cells} file={len(content) / 1024:.0f} KiB written={written}")
        self.stdout.write(f"openpyxl read: {read_seconds:.2f} s")
        self.stdout.write(f"import preview (read + check every row + store batch): {preview_seconds:.2f} s")
        self.stdout.write(f"import total (preview + confirm, with history rows): {import_seconds:.2f} s")
        self.stdout.write(f"ratio import/openpyxl-read: {import_seconds / read_seconds:.1f}x")
