"""Excel imports of the targets app, on the one import pipeline (``core.imports``): a member unit's
filled template, and the office's official statistics.

``*_preview`` reads and checks every row; if any row is wrong it returns the errors (nothing is
stored), otherwise the pipeline stores a batch with the parsed rows and the original file
(provenance). ``*_apply`` writes the batch once the person has looked at the preview and confirmed.
"""

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_office, is_unit_user
from core.history import bulk_insert, record_created
from core.imports import (
    Importer,
    ImportRefused,
    Parsed,
    Preview,
    import_confirm,
    import_discard,
    import_preview,
)
from core.imports import error as row_error
from core.models import ImportBatch

from .. import excel
from ..models import Plan, Report, Statistic
from ..permissions import can_upload_template
from ..validation import clean_date, clean_text, clean_value
from .reporting import LineInput, MeasureInput, ReportInput, report_save

STAT_BATCH = 1000
REPORT_TEMPLATE = "targets.report_template"
STATISTICS = "targets.statistics"

__all__ = ["ImportRefused", "Preview"]

# one row of a file as read: sheet, row, code, errors and the parsed values (JSON-able once stored)
ParsedRow = dict[str, Any]
_Line = TypeVar("_Line")


def _error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


# --- member unit's template ---------------------------------------------------------------------


def cumulative_floors(report: Report) -> dict[int, Decimal]:
    """For cumulative targets of ``report``: the latest value accepted before its period."""
    ids = list(report.target_lines.filter(target__kind="cumulative").values_list("target_id", flat=True))
    if not ids:
        return {}
    floors: dict[int, Decimal] = {}
    for target_id, value in (
        Statistic.objects.filter(target_id__in=ids, as_of__lt=report.period.start_date)
        .order_by("target_id", "-as_of", "-recorded_at", "-id")
        .values_list("target_id", "value")
    ):
        floors.setdefault(target_id, value)
    return floors


def report_template_preview(*, report: Report, uploaded: UploadedFile, by: User) -> Preview:
    """Check an uploaded template against ``report``; stores a batch only when every row is right."""
    return import_preview(
        kind=REPORT_TEMPLATE,
        uploaded=uploaded,
        by=by,
        params={"report": report.pk, "plan": report.period.plan_id},
    )


def _read_template(report: Report, uploaded: UploadedFile) -> Parsed:
    if not report.is_editable_by_unit:
        raise ImportRefused(f"该报告{report.get_status_display()}，不能再导入模板。")
    try:
        wb = excel.open_upload(uploaded, limits=excel.TEMPLATE_LIMITS)
        meta = excel.template_meta(wb)
        _check_identity(report, meta)
        target_rows = excel.read_rows(wb[excel.TARGET_SHEET], required=["指标编号", "本期实际值", "统计日期"])
        measure_rows = (
            excel.read_rows(wb[excel.MEASURE_SHEET], required=["措施编号", "工作进展"])
            if excel.MEASURE_SHEET in wb.sheetnames
            else []
        )
        goal_rows = (
            excel.read_rows(wb[excel.GOAL_SHEET], required=["目标编号", "工作情况"])
            if excel.GOAL_SHEET in wb.sheetnames  # templates downloaded before the sheet existed
            else []
        )
    except excel.TemplateRefused as exc:
        raise ImportRefused(str(exc)) from None
    except ValidationError as exc:
        raise ImportRefused(_error_text(exc)) from None
    lines = {line.target.code: line for line in report.target_lines.select_related("target")}
    measures = {line.measure.code: line for line in report.measure_lines.select_related("measure")}
    goals = {line.goal.code: line for line in report.goal_lines.select_related("goal")}
    floors = cumulative_floors(report)
    period = report.period
    rows: list[ParsedRow] = []
    seen: set[tuple[str, str]] = set()
    for row in target_rows:
        parsed, line = _keyed_row(row, excel.TARGET_SHEET, "指标编号", lines, seen)
        if line is not None:
            parsed["name"] = line.target.name
            parsed["target_id"] = line.target_id
            cells = row.cells
            _parse_cell(
                parsed,
                "value",
                clean_value,
                line.target,
                cells.get("本期实际值"),
                floor=floors.get(line.target_id),
            )
            _parse_cell(
                parsed,
                "stat_date",
                clean_date,
                cells.get("统计日期"),
                label="统计日期",
                start=period.start_date,
                end=period.end_date,
                what="本期",
            )
            _parse_cell(parsed, "source", clean_text, cells.get("数据来源"), label="数据来源", field="source")
            _parse_cell(parsed, "note", clean_text, cells.get("说明"), label="说明")
        rows.append(parsed)
    for row in measure_rows:
        parsed, measure_line = _keyed_row(row, excel.MEASURE_SHEET, "措施编号", measures, seen)
        if measure_line is not None:
            parsed["name"] = measure_line.measure.title
            parsed["measure_id"] = measure_line.measure_id
            for key, header in (
                ("progress", "工作进展"),
                ("problems", "存在问题"),
                ("next_steps", "下步计划"),
            ):
                _parse_cell(parsed, key, clean_text, row.cells.get(header), label=header, field=key)
        rows.append(parsed)
    for row in goal_rows:
        parsed, goal_line = _keyed_row(row, excel.GOAL_SHEET, "目标编号", goals, seen)
        if goal_line is not None:
            parsed["name"] = goal_line.goal.text
            parsed["goal_id"] = goal_line.goal_id
            _parse_cell(
                parsed, "progress", clean_text, row.cells.get("工作情况"), label="工作情况", field="progress"
            )
        rows.append(parsed)
    errors = [row_error(m, sheet=r["sheet"], row=r["row"]) for r in rows for m in r["errors"]]
    return Parsed(rows=[_jsonable(r) for r in rows], errors=errors, summary=str(report))


def _keyed_row(
    row: excel.SheetRow, sheet: str, key_header: str, lookup: Mapping[str, _Line], seen: set[tuple[str, str]]
) -> tuple[ParsedRow, _Line | None]:
    """The parsed-row dict of a template row and the report line its code names (None if unknown/repeated)."""
    code = str(row.cells.get(key_header) or "").strip()
    parsed: ParsedRow = {"sheet": sheet, "row": row.number, "code": code, "errors": []}
    line = lookup.get(code)
    if line is None:
        parsed["errors"].append(f"{key_header}“{code}”不在本单位本期报告中。")
    elif (sheet, code) in seen:
        parsed["errors"].append(f"{key_header}“{code}”重复出现。")
        line = None
    else:
        seen.add((sheet, code))
    return parsed, line


def _check_identity(report: Report, meta: Mapping[str, Any]) -> None:
    if meta.get("u") != report.unit_id:
        raise excel.TemplateRefused(
            f"该模板属于其他单位，不能导入“{report.unit}”的报告。请下载本单位的模板。"
        )
    if meta.get("p") != report.period_id or meta.get("r") != report.pk:
        raise excel.TemplateRefused(f"该模板属于其他期次，不能导入{report.period}的报告。请下载本期的模板。")


def _parse_cell(parsed: ParsedRow, key: str, parse: Callable[..., object], *args: Any, **kwargs: Any) -> None:
    """``parsed[key] = parse(*args, **kwargs)``, or the error message appended to the row's errors."""
    try:
        parsed[key] = parse(*args, **kwargs)
    except ValidationError as exc:
        parsed["errors"].append(_error_text(exc))


def _jsonable(row: ParsedRow) -> ParsedRow:
    out = {}
    for key, value in row.items():
        if isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        out[key] = value
    return out


def report_template_apply(*, batch: ImportBatch, by: User) -> Report:
    """Write a previewed template into its report as a draft (the unit still submits on the page)."""
    return import_confirm(batch=batch, by=by).value or Report.objects.get(pk=batch.params["report"])


def _apply_template(batch: ImportBatch, by: User) -> Report:
    data = ReportInput()
    for row in batch.rows:
        if "target_id" in row:
            data.lines[row["target_id"]] = LineInput(
                value=None if row.get("value") is None else Decimal(row["value"]),
                stat_date=dt.date.fromisoformat(row["stat_date"]) if row.get("stat_date") else None,
                source=row.get("source", ""),
                note=row.get("note", ""),
            )
        elif "measure_id" in row:
            data.measures[row["measure_id"]] = MeasureInput(
                progress=row.get("progress", ""),
                problems=row.get("problems", ""),
                next_steps=row.get("next_steps", ""),
            )
        elif "goal_id" in row:
            data.goals[row["goal_id"]] = row.get("progress", "")
    return report_save(report=Report.objects.get(pk=batch.params["report"]), by=by, data=data)


# --- the office's official statistics -----------------------------------------------------------


def statistics_import_preview(
    *,
    plan: Plan,
    uploaded: UploadedFile,
    source: str,
    by: User,
    backfilled: bool = False,
    today: dt.date | None = None,
) -> Preview:
    """Check a statistics file (指标编号, 数值, 统计日期[, 数据来源, 备注]) for ``plan``."""
    today = today or timezone.localdate()
    params = {"plan": plan.pk, "source": source, "backfilled": backfilled, "today": today.isoformat()}
    return import_preview(kind=STATISTICS, uploaded=uploaded, by=by, params=params)


def _read_statistics(
    plan: Plan, uploaded: UploadedFile, *, source: str, backfilled: bool, today: dt.date
) -> Parsed:
    try:
        wb = excel.open_upload(uploaded, limits=excel.STATISTICS_LIMITS)
        ws = wb[excel.STAT_SHEET] if excel.STAT_SHEET in wb.sheetnames else wb.worksheets[0]
        rows = excel.read_rows(ws, required=["指标编号", "数值", "统计日期"], max_rows=excel.MAX_STAT_ROWS)
    except excel.TemplateRefused as exc:
        raise ImportRefused(str(exc)) from None
    except ValidationError as exc:
        raise ImportRefused(_error_text(exc)) from None
    if not rows:
        raise ImportRefused("文件中没有数据行。")
    targets = {t.code: t for t in plan.targets.all()}
    last_day = min(plan.end_date, today)
    out: list[ParsedRow] = []
    errors: list[dict[str, Any]] = []
    seen: set[tuple[str, Any]] = set()
    for row in rows:
        code = str(row.cells.get("指标编号") or "").strip()
        parsed: ParsedRow = {"sheet": ws.title, "row": row.number, "code": code, "errors": []}
        target = targets.get(code)
        if target is None:
            parsed["errors"].append(f"指标编号“{code}”不是“{plan.name}”的指标。")
        else:
            parsed["target_id"] = target.pk
            parsed["name"] = target.name
            cells = row.cells
            _parse_cell(parsed, "value", clean_value, target, cells.get("数值"))
            if "value" in parsed and parsed["value"] is None:
                parsed["errors"].append("数值不能为空。")
            _parse_cell(
                parsed,
                "as_of",
                clean_date,
                cells.get("统计日期"),
                label="统计日期",
                start=plan.start_date,
                end=last_day,
                what="规划期内且不晚于今天",
            )
            if "as_of" in parsed and parsed["as_of"] is None:
                parsed["errors"].append("统计日期不能为空。")
            _parse_cell(parsed, "source", clean_text, cells.get("数据来源"), label="数据来源", field="source")
            parsed["source"] = parsed.get("source") or source
            _parse_cell(parsed, "note", clean_text, cells.get("备注"), label="备注")
            key = (code, parsed.get("as_of"))
            if key in seen:
                parsed["errors"].append("同一指标同一统计日期在文件中重复出现。")
            seen.add(key)
        errors.extend(row_error(m, sheet=ws.title, row=row.number) for m in parsed["errors"])
        out.append(parsed)
    return Parsed(
        rows=[_jsonable(r) | {"backfilled": backfilled} for r in out],
        errors=errors,
        summary=f"{plan.name} · 来源：{source}" if source else plan.name,
    )


def statistics_import_apply(*, batch: ImportBatch, by: User) -> int:
    """Write a previewed statistics batch (one Statistic and one history row per line)."""
    outcome = import_confirm(batch=batch, by=by)
    return outcome.value if not outcome.repeated else 0


def _apply_statistics(batch: ImportBatch, by: User) -> int:
    now = timezone.now()
    source = batch.params.get("source", "")
    # thousands of rows: inserted without a model instance each, and their history rows written by
    # the database in one statement (core.history)
    count = bulk_insert(
        Statistic,
        [
            {
                "target_id": row["target_id"],
                "value": Decimal(row["value"]),
                "as_of": dt.date.fromisoformat(row["as_of"]),
                "source": row["source"] or source,
                "backfilled": bool(row.get("backfilled")),
                "note": row.get("note", ""),
            }
            for row in batch.rows
        ],
        origin=Statistic.Origin.IMPORT,
        batch_id=batch.pk,
        recorded_at=now,
        recorded_by_id=by.pk,
    )
    record_created(Statistic.objects.filter(batch=batch), user=by, when=now)
    return count


def import_batch_discard(*, batch: ImportBatch, by: User | None = None) -> bool:
    """Drop a previewed import; returns False if it was already applied or discarded."""
    return import_discard(batch=batch, by=by)


# --- the two importers (registered in TargetsConfig.ready) ------------------------------------------


class ReportTemplateImporter(Importer):
    kind = REPORT_TEMPLATE
    label = "报告模板"
    rows_template = "targets/_import_rows_template.html"
    confirm_note = "确认后才会写入报告草稿（导入后仍须在报告页面提交）。"

    def read(self, uploaded: UploadedFile, *, params: dict[str, Any], by: User) -> Parsed:
        return _read_template(
            Report.objects.select_related("period__plan", "unit").get(pk=params["report"]), uploaded
        )

    def apply(self, batch: ImportBatch, *, by: User) -> tuple[str, Report]:
        report = _apply_template(batch, by)
        if is_office(by):
            return "模板内容已导入，请核对后点击“补录并采纳”。", report
        return "模板内容已导入为草稿，请核对后提交。", report

    def may_use(self, user: User) -> bool:
        return is_office(user) or is_unit_user(user)

    def check_confirm(self, batch: ImportBatch, user: User) -> None:
        report = Report.objects.get(pk=batch.params["report"])
        if not can_upload_template(user, report):
            raise ImportRefused(f"该报告{report.get_status_display()}，不能再导入模板。")

    def upload_url(self, batch: ImportBatch) -> str:
        return reverse("targets:report_upload", args=[batch.params["report"]])

    def done_url(self, batch: ImportBatch) -> str:
        return reverse("targets:report_detail", args=[batch.params["report"]])


class StatisticsImporter(Importer):
    kind = STATISTICS
    label = "统计数据"
    rows_template = "targets/_import_rows_statistics.html"
    confirm_note = "确认后才会写入统计数据（立即计入目标进度看板）。"

    def read(self, uploaded: UploadedFile, *, params: dict[str, Any], by: User) -> Parsed:
        return _read_statistics(
            Plan.objects.get(pk=params["plan"]),
            uploaded,
            source=params.get("source", ""),
            backfilled=bool(params.get("backfilled")),
            today=dt.date.fromisoformat(params["today"]),
        )

    def apply(self, batch: ImportBatch, *, by: User) -> tuple[str, int]:
        count = _apply_statistics(batch, by)
        return f"已导入 {count} 条统计数据，看板已更新。", count

    def may_use(self, user: User) -> bool:
        return is_office(user)

    def upload_url(self, batch: ImportBatch) -> str:
        return reverse("targets:statistics_import")

    def done_url(self, batch: ImportBatch) -> str:
        return reverse("targets:dashboard")
