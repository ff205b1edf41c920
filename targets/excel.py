"""The Excel files of the targets app: the member unit's pre-filled report template, the office's
statistics template, and reading uploaded workbooks cell by cell.

Templates carry a signed, hidden ``_meta`` sheet naming the report, unit and period they were made
for, so a template of another unit or period is recognised and refused. Uploaded workbooks are read
with formulas left as text (``data_only=False``), so a formula cell is seen and refused, never
evaluated; the archive itself has been checked (size, zip bomb) by ``core.uploads`` before.
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from core.dates import cn_date
from core.errors import ServiceError
from core.uploads import SheetLimits, escape_cell, open_workbook, sheet_rows

from .models import Report, ReportGoalLine, ReportMeasureLine, ReportTargetLine, Target

META_SHEET = "_meta"
SIGNING_SALT = "targets.report-template"
TARGET_SHEET = "指标填报"
MEASURE_SHEET = "措施进展"
GOAL_SHEET = "定性目标"
GUIDE_SHEET = "填报说明"
STAT_SHEET = "统计数据"
SOURCE_CHOICES = ["统计部门数据", "业务主管部门台账", "上级通报", "第三方评估", "其他"]

TARGET_HEADERS = [
    "指标编号",
    "指标名称",
    "填报口径",
    "计量单位",
    "目标值",
    "责任",
    "本期实际值",
    "统计日期",
    "数据来源",
    "说明",
]
MEASURE_HEADERS = ["措施编号", "措施标题", "工作进展", "存在问题", "下步计划"]
GOAL_HEADERS = ["目标编号", "政策条款", "定性目标", "工作情况"]
STAT_HEADERS = ["指标编号", "指标名称", "数值", "统计日期", "数据来源", "备注"]
HEADER_FILL = PatternFill("solid", fgColor="A61B1B")
INPUT_FILL = PatternFill("solid", fgColor="FFF7E6")
MAX_STAT_ROWS = 20000
# what a sheet may hold, counted while it is read (core.uploads): a unit's template lists its own
# targets and measures (tens of rows); the office's statistics file up to MAX_STAT_ROWS
TEMPLATE_LIMITS = SheetLimits(rows=2000, columns=len(TARGET_HEADERS) + 4)
STATISTICS_LIMITS = SheetLimits(rows=MAX_STAT_ROWS, columns=len(STAT_HEADERS) + 4)


class TemplateRefused(ServiceError):
    """The whole file is refused (not our template, another unit's or period's); Chinese message."""

    default_code = "template_refused"


def value_basis(target: Target) -> str:
    """What the unit enters for ``target`` (see targets/progress.py)."""
    kind = target.kind
    if kind == "new_since_baseline":
        return "自基期以来新增数（不是总量）"
    if kind == "cumulative":
        return "规划期内累计数（不得小于上期）"
    if kind == "zero_breakthrough":
        return "已实现数量（≥1 即实现零的突破）"
    if target.is_rate:
        return "百分比（0–100，不带%）"
    return "当前总数"


def _header(ws: Worksheet, headers: list[str], widths: list[int]) -> None:
    ws.append(headers)
    for idx, width in enumerate(widths, start=1):
        cell = ws.cell(row=1, column=idx)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(idx)].width = width
    ws.freeze_panes = "A2"


def _mark_inputs(ws: Worksheet, columns: Iterable[int], last_row: int) -> None:
    for row in range(2, last_row + 1):
        for col in columns:
            cell = ws.cell(row=row, column=col)
            cell.fill = INPUT_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.protection = Protection(locked=False)


def template_token(report: Report) -> str:
    return signing.dumps({"r": report.pk, "u": report.unit_id, "p": report.period_id}, salt=SIGNING_SALT)


def build_report_template(
    report: Report,
    target_lines: Iterable[ReportTargetLine],
    measure_lines: Iterable[ReportMeasureLine],
    goal_lines: Iterable[ReportGoalLine] = (),
) -> bytes:
    """The pre-filled template of one report: its own targets, measures and the plan's qualitative
    goals, current values filled."""
    period = report.period
    wb = Workbook()
    guide = wb.active
    guide.title = GUIDE_SHEET
    guide.column_dimensions["A"].width = 100
    for text in [
        f"{period.plan.name} · {period}进度报告填报模板",
        f"填报单位：{report.unit}",
        f"报送截止：{cn_date(period.due_date)}（是否按时以首次提交时间为准）",
        "填写方法：",
        f"1. 在“{TARGET_SHEET}”表的浅黄色单元格填写本期实际值、统计日期、数据来源和说明；"
        "牵头单位须填写实际值，配合单位可只填说明。",
        f"2. 统计日期须在本期内（{cn_date(period.start_date)} 至 {cn_date(period.end_date)}）。",
        "3. 实际值填数字，不要带单位；百分比指标填 0–100 之间的数字。",
        f"4. 在“{MEASURE_SHEET}”表填写各项措施的工作进展、存在问题和下步计划；"
        f"在“{GOAL_SHEET}”表填写本单位围绕各项定性目标开展的工作（无相关工作可不填）。",
        "5. 请勿修改指标编号、措施编号、目标编号，也不要增删工作表；单元格内容不能以 = + - @ 开头。",
        "6. 填好后在平台“上传模板”处上传，预览无误后确认导入（导入后为草稿，仍须在平台提交）。",
        "本模板仅适用于上述单位和期次，上传到其他单位或期次的报告将被拒绝。",
    ]:
        guide.append([text])
    guide["A1"].font = Font(bold=True, size=14)

    ws = wb.create_sheet(TARGET_SHEET)
    _header(ws, TARGET_HEADERS, [9, 34, 22, 8, 9, 7, 12, 13, 18, 40])
    for line in target_lines:
        t = line.target
        ws.append(
            [
                t.code,
                escape_cell(t.name),
                value_basis(t),
                t.measure_unit,
                float(t.target_value),
                "牵头" if line.is_lead else "配合",
                None if line.value is None else float(line.value),
                line.stat_date,
                escape_cell(line.source),
                escape_cell(line.note),
            ]
        )
        ws.cell(row=ws.max_row, column=8).number_format = "yyyy-mm-dd"
    last = ws.max_row
    _mark_inputs(ws, (7, 8, 9, 10), last)
    if last >= 2:
        value_rule = DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2="999999999999",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="实际值有误",
            error="请填写不小于 0 的数字（百分比指标不超过 100）。",
        )
        value_rule.add(f"G2:G{last}")
        date_rule = DataValidation(
            type="date",
            operator="between",
            formula1=f"DATE({period.start_date.year},{period.start_date.month},{period.start_date.day})",
            formula2=f"DATE({period.end_date.year},{period.end_date.month},{period.end_date.day})",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="统计日期有误",
            error=f"统计日期须在 {cn_date(period.start_date)} 至 {cn_date(period.end_date)} 之间。",
        )
        date_rule.add(f"H2:H{last}")
        source_rule = DataValidation(
            type="list",
            formula1='"' + ",".join(SOURCE_CHOICES) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="information",  # a suggestion list: other text is allowed
            errorTitle="数据来源",
            error="建议从列表中选择；如确需其他来源，可直接填写。",
        )
        source_rule.add(f"I2:I{last}")
        for rule in (value_rule, date_rule, source_rule):
            ws.add_data_validation(rule)

    ms = wb.create_sheet(MEASURE_SHEET)
    _header(ms, MEASURE_HEADERS, [9, 36, 50, 36, 36])
    for measure_line in measure_lines:
        ms.append(
            [
                measure_line.measure.code,
                escape_cell(measure_line.measure.title),
                escape_cell(measure_line.progress),
                escape_cell(measure_line.problems),
                escape_cell(measure_line.next_steps),
            ]
        )
    _mark_inputs(ms, (3, 4, 5), ms.max_row)

    gs = wb.create_sheet(GOAL_SHEET)
    _header(gs, GOAL_HEADERS, [9, 14, 50, 60])
    for goal_line in goal_lines:
        gs.append(
            [
                goal_line.goal.code,
                escape_cell(goal_line.goal.clause),
                escape_cell(goal_line.goal.text),
                escape_cell(goal_line.progress),
            ]
        )
        gs.cell(row=gs.max_row, column=3).alignment = Alignment(wrap_text=True, vertical="top")
    _mark_inputs(gs, (4,), gs.max_row)

    meta = wb.create_sheet(META_SHEET)
    meta["A1"] = template_token(report)
    meta.sheet_state = "hidden"
    wb.active = 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def build_statistics_template(targets: Iterable[Target]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = STAT_SHEET
    _header(ws, STAT_HEADERS, [9, 36, 12, 13, 24, 36])
    for t in targets:
        ws.append([t.code, escape_cell(t.name), None, None, None, None])
    _mark_inputs(ws, (3, 4, 5, 6), ws.max_row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@dataclass
class SheetRow:
    number: int  # the Excel row number, as the user sees it
    cells: dict[str, Any]  # header -> raw value


def open_upload(uploaded: UploadedFile, *, limits: SheetLimits) -> Workbook:
    """Open an uploaded workbook (already validated) read-only, formulas kept as their text."""
    return open_workbook(uploaded, limits=limits, formulas=True)


def read_rows(
    ws: ReadOnlyWorksheet | Worksheet, *, required: list[str], max_rows: int | None = None
) -> list[SheetRow]:
    """Rows of a sheet keyed by its header row; refuses a sheet missing a required column."""
    rows = sheet_rows(ws)
    try:
        header = [str(h).strip() if h is not None else "" for h in next(rows)]
    except StopIteration:
        raise TemplateRefused(f"工作表“{ws.title}”是空的。") from None
    missing = [h for h in required if h not in header]
    if missing:
        raise TemplateRefused(f"工作表“{ws.title}”缺少列：{'、'.join(missing)}。请使用平台下载的模板。")
    out: list[SheetRow] = []
    for number, values in enumerate(rows, start=2):
        if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if max_rows and len(out) >= max_rows:
            raise TemplateRefused(f"文件超过 {max_rows} 行数据，请分批导入。")
        out.append(SheetRow(number, {h: v for h, v in zip(header, values, strict=False) if h}))
    return out


def template_meta(wb: Workbook) -> dict[str, Any]:
    """The signed identity of a report template, or TemplateRefused."""
    if META_SHEET not in wb.sheetnames or TARGET_SHEET not in wb.sheetnames:
        raise TemplateRefused("该文件不是本平台生成的报告模板，请先在报告页面下载本单位本期的模板。")
    token = next(sheet_rows(wb[META_SHEET], min_row=1, max_row=1), (None,))[0]
    try:
        return signing.loads(str(token or ""), salt=SIGNING_SALT)
    except signing.BadSignature:
        raise TemplateRefused("模板的校验信息已损坏或被修改，请重新下载本单位本期的模板。") from None
