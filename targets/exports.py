"""The xlsx exports of the office: the dashboard and a period's reports (formulas escaped by
``core.documents``), and the final evaluation as xlsx and docx."""

from django.utils import timezone

from core.documents import add_heading, add_paragraph, add_table, new_document

from . import selectors
from .forms import decimal_text
from .models import Plan, Report, ReportingPeriod, ReportMeasureLine, ReportTargetLine, TargetEvaluation
from .resources import ReportMeasureLineResource, ReportResource, ReportTargetLineResource


def _sheet(title: str, resource, queryset) -> tuple[str, list[str], list[list]]:
    dataset = resource.export(queryset)
    return title, list(dataset.headers), [list(row) for row in dataset]


def dashboard_sheets(plan: Plan) -> list[tuple[str, list[str], list[list]]]:
    rows = selectors.target_progress_rows(plan=plan)
    progress = [
        [
            r["target"].code,
            r["target"].get_category_display(),
            r["target"].name,
            r["target"].get_kind_display(),
            r["target"].measure_unit,
            decimal_text(r["target"].target_value),
            decimal_text(r["actual"]),
            r["as_of"].isoformat() if r["as_of"] else "",
            decimal_text(r["expected_by_now"]),
            decimal_text(r["progress_pct"]),
            r["rag_label"],
            r["source"],
            "、".join(f"{o.unit}（{o.get_role_display()}）" for o in r["owners"]),
        ]
        for r in rows
    ]
    table = selectors.report_matrix(plan=plan, max_periods=20)
    matrix_headers = ["单位"] + [str(p) for p in table["periods"]]
    matrix = [
        [row["unit"].name]
        + [(c["label"] + ("·已采纳" if c["accepted"] else "")) if c else "" for c in row["cells"]]
        for row in table["rows"]
    ]
    return [
        (
            "指标进度",
            [
                "编号",
                "类别",
                "指标",
                "类型",
                "计量单位",
                "目标值",
                "最新实际值",
                "统计日期",
                "按期应达",
                "完成进度(%)",
                "状态",
                "数据来源",
                "责任单位",
            ],
            progress,
        ),
        ("报送情况", matrix_headers, matrix),
    ]


def period_sheets(period: ReportingPeriod):
    reports = Report.objects.filter(period=period).select_related("unit", "period").order_by("unit__order")
    lines = (
        ReportTargetLine.objects.filter(report__period=period)
        .select_related("report__unit", "target")
        .order_by("report__unit__order", "target__order")
    )
    measures = (
        ReportMeasureLine.objects.filter(report__period=period)
        .select_related("report__unit", "measure")
        .order_by("report__unit__order", "measure__order")
    )
    return [
        _sheet("报告状态", ReportResource(), reports),
        _sheet("指标填报", ReportTargetLineResource(), lines),
        _sheet("措施进展", ReportMeasureLineResource(), measures),
    ]


EVALUATION_HEADERS = [
    "编号",
    "类别",
    "指标",
    "目标值",
    "最终值",
    "统计日期",
    "评估结论",
    "评估意见",
    "评估人",
]


def evaluation_rows(plan: Plan) -> list[list]:
    evaluations = {
        e.target_id: e
        for e in TargetEvaluation.objects.filter(target__plan=plan).select_related("evaluated_by")
    }
    out = []
    for target in plan.targets.filter(active=True).order_by("order"):
        e = evaluations.get(target.pk)
        out.append(
            [
                target.code,
                target.get_category_display(),
                target.name,
                f"{decimal_text(target.target_value)} {target.measure_unit}",
                f"{decimal_text(e.final_value)} {target.measure_unit}"
                if e and e.final_value is not None
                else "",
                e.final_as_of.isoformat() if e and e.final_as_of else "",
                e.get_result_display() if e else "未评估",
                e.comment if e else "",
                str(e.evaluated_by) if e and e.evaluated_by else "",
            ]
        )
    return out


def evaluation_summary(rows: list[list]) -> dict[str, int]:
    summary = {label: 0 for label in ["已完成", "未完成", "无法衡量", "未评估"]}
    for row in rows:
        summary[row[6]] = summary.get(row[6], 0) + 1
    return summary


def evaluation_document(plan: Plan):
    rows = evaluation_rows(plan)
    summary = evaluation_summary(rows)
    doc = new_document(title=f"{plan.name}终期评估报告", landscape=True)
    add_paragraph(
        doc,
        f"依据{plan.document_number or '规划文件'}，对{plan.name}（{plan.start_date:%Y年%m月%d日}至"
        f"{plan.end_date:%Y年%m月%d日}）确定的 {len(rows)} 项量化指标逐项进行终期评估。",
    )
    add_heading(doc, "一、总体情况")
    add_paragraph(
        doc,
        "；".join(f"{label} {count} 项" for label, count in summary.items() if count) + "。",
    )
    add_heading(doc, "二、逐项评估")
    add_table(doc, EVALUATION_HEADERS, rows, font_size=9)
    add_paragraph(doc, "")
    add_paragraph(doc, "监利市质量强市及品牌建设工作委员会办公室", indent=False, align_right=True)
    add_paragraph(doc, f"{timezone.localdate():%Y年%m月%d日}", indent=False, align_right=True)
    return doc
