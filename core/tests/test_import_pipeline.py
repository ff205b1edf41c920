"""The one import pipeline (core.imports): two confirms of one batch at the same time apply it once."""

import datetime as dt
import io
import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from openpyxl import Workbook

from core.imports import import_confirm
from core.models import ImportBatch
from targets.excel import STAT_HEADERS, STAT_SHEET
from targets.models import Plan, Statistic
from targets.services import imports as targets_imports
from targets.services.imports import statistics_import_preview

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _stats_file() -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.title = STAT_SHEET
    ws.append(STAT_HEADERS)
    ws.append(["T17", "", 11800, dt.date(2024, 12, 31), "", ""])
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("统计.xlsx", buf.getvalue())


def test_two_simultaneous_confirms_apply_the_batch_once(require_postgres, policy, users, monkeypatch):
    office = users["office"]
    preview = statistics_import_preview(
        plan=Plan.objects.get(is_current=True), uploaded=_stats_file(), source="市统计局", by=office
    )
    assert preview.ok
    in_apply = threading.Event()
    real_apply = targets_imports._apply_statistics

    def slow_apply(batch, by):
        in_apply.set()
        time.sleep(0.5)  # the first confirm holds the batch row while it writes
        return real_apply(batch, by)

    monkeypatch.setattr(targets_imports, "_apply_statistics", slow_apply)
    outcomes: list = []

    def confirm():
        try:
            outcomes.append(
                "repeated" if import_confirm(batch=preview.batch, by=office).repeated else "applied"
            )
        except Exception as exc:  # anything else is a failure of the test
            outcomes.append(repr(exc))
        finally:
            connection.close()

    first, second = threading.Thread(target=confirm), threading.Thread(target=confirm)
    first.start()
    assert in_apply.wait(timeout=10)
    second.start()  # while the first is applying: without the row lock it would apply the batch again
    for t in (first, second):
        t.join(timeout=30)
    assert sorted(outcomes) == ["applied", "repeated"]
    assert Statistic.objects.count() == 1
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.APPLIED and batch.applied_by == office
