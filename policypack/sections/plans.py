"""plan_*.yaml: a plan (规划) with its targets, qualitative goals and measures; one file per plan."""

import datetime as dt
from typing import Any

from targets.models import (
    Measure,
    MeasureResponsibility,
    Plan,
    QualitativeGoal,
    Target,
    TargetCategory,
    TargetOwner,
)

from ..files import PackFile
from ..upsert import LoadReport, upsert
from .base import PackContext, Section, known_unit, rows, unique


def as_date(value: Any) -> Any:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


class PlansSection(Section):
    name = "plans"
    title = "规划、目标与措施"
    file = "plan_*.yaml"
    schema = "plan.json"
    provides = ("plans",)

    def validate(self, doc: PackFile, data: Any, ctx: PackContext) -> None:
        plan = data.get("plan") if isinstance(data, dict) else None
        if isinstance(plan, dict):
            code = plan.get("code")
            if code in ctx.known["plans"]:
                doc.error(("plan", "code"), f"规划代码“{code}”与另一规划文件重复")
            ctx.known["plans"].add(code)
            start, end = as_date(plan.get("start_date")), as_date(plan.get("end_date"))
            if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
                doc.error(("plan", "end_date"), "结束日期早于开始日期")
        categories = unique(
            doc, ("target_categories",), rows(data, "target_categories"), "code", "目标类别代码"
        )
        targets = rows(data, "targets")
        unique(doc, ("targets",), targets, "code", "目标代码")
        for i, row in targets:
            if categories and isinstance(row.get("category"), str) and row["category"] not in categories:
                doc.error(
                    ("targets", i, "category"),
                    f"未知目标类别“{row['category']}”（应为 target_categories 中的代码）",
                )
            for j, owner in rows(row, "owners"):
                known_unit(doc, ("targets", i, "owners", j, "unit"), owner.get("unit"), ctx)
        unique(doc, ("qualitative_goals",), rows(data, "qualitative_goals"), "code", "定性目标代码")
        measures = rows(data, "measures")
        unique(doc, ("measures",), measures, "code", "措施代码")
        for i, row in measures:
            for j, name in enumerate(row.get("responsible_units") or []):
                known_unit(doc, ("measures", i, "responsible_units", j), name, ctx)

    def apply(self, data: Any, ctx: PackContext, report: LoadReport) -> None:
        p = data["plan"]
        start, end = as_date(p["start_date"]), as_date(p["end_date"])
        plan = upsert(
            Plan,
            {"code": p["code"]},
            {
                "name": p["name"],
                "title": p.get("title", ""),
                "document_number": p.get("document_number", ""),
                "issued_on": p.get("issued_on"),
                "start_date": start,
                "end_date": end,
            },
            report,
        )
        if not Plan.objects.filter(is_current=True).exists():
            Plan.objects.filter(pk=plan.pk).update(is_current=True)
        for order, row in enumerate(data.get("target_categories") or [], start=1):
            upsert(
                TargetCategory,
                {"plan": plan, "code": row["code"]},
                {
                    "name": row["name"],
                    "order": order * 10,
                    "clause": row.get("clause", ""),
                    "heading": row.get("heading", ""),
                },
                report,
            )
        for order, row in enumerate(data.get("targets") or [], start=1):
            target = upsert(
                Target,
                {"plan": plan, "code": row["code"]},
                {
                    "category": row["category"],
                    "kind": row["kind"],
                    "name": row["name"],
                    "measure_unit": row["measure_unit"],
                    "target_value": row["target_value"],
                    "baseline_value": row.get("baseline_value"),
                    "baseline_date": row.get("baseline_date") or start - dt.timedelta(days=1),
                    "deadline": row.get("deadline", end),
                    "clause": row.get("clause", ""),
                    "source_text": row.get("source_text", ""),
                    "note": row.get("note", ""),
                    "order": order * 10,
                },
                report,
            )
            for owner in row.get("owners") or []:
                upsert(
                    TargetOwner,
                    {"target": target, "unit": ctx.unit(owner["unit"])},
                    {"role": owner.get("role", "lead"), "assumed": bool(owner.get("assumed", False))},
                    report,
                )
        for order, row in enumerate(data.get("qualitative_goals") or [], start=1):
            upsert(
                QualitativeGoal,
                {"plan": plan, "code": row["code"]},
                {"clause": row.get("clause", ""), "text": row["text"], "order": order * 10},
                report,
            )
        for order, row in enumerate(data.get("measures") or [], start=1):
            measure = upsert(
                Measure,
                {"plan": plan, "code": row["code"]},
                {
                    "group": row["group"],
                    "number": row["number"],
                    "title": row["title"],
                    "text": row["text"],
                    "responsible_label": row.get("responsible_label", "责任单位"),
                    "responsible_text": row["responsible_text"],
                    "order": order * 10,
                },
                report,
            )
            for idx, name in enumerate(row.get("responsible_units") or [], start=1):
                upsert(
                    MeasureResponsibility,
                    {"measure": measure, "unit": ctx.unit(name)},
                    {"order": idx},
                    report,
                )
