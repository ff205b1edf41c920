"""The xlsx exports of the office: the dashboard and a period's reports (formulas escaped by
``core.documents``), and the final evaluation as xlsx and docx."""

from typing import Any

from django.db.models import QuerySet
from import_export.resources import ModelResource

from core.documents import Percent

from . import selectors
from .models import Plan, Report, ReportingPeriod, ReportMeasureLine, ReportTargetLine
from .resources import ReportMeasureLineResource, ReportResource, ReportTargetLineResource


def _sheet(
    title: str, resource: ModelResource, queryset: QuerySet[Any]
) -> tuple[str, list[str], list[list[Any]]]:
    dataset = resource.export(queryset, force_native_type=True)  # numbers and dates as typed cells
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
            r["target"].target_value,
            r["actual"],
            r["as_of"],
            r["expected_by_now"],
            Percent(r["progress_pct"]),
            r["status_label"],
            r["source"],
            "、".join(f"{o.unit}（{o.role_label}）" for o in r["owners"]),
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
                "完成进度",
                "状态",
                "数据来源",
                "责任单位",
            ],
            progress,
        ),
        ("报送情况", matrix_headers, matrix),
    ]


def period_sheets(period: ReportingPeriod) -> list[tuple[str, list[str], list[list[Any]]]]:
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
