"""What the 终期评估 page and documents show: per target, per measure (what each responsible unit
reported), per qualitative goal, the rewards granted and paid by line and year, and the narrative."""

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from docx.document import Document as DocxDocument

from awards.selectors import granted_by_item_and_year
from core.dates import cn_date
from core.documents import add_heading, add_paragraph, add_table, new_document
from core.policy import policy_document

from . import selectors
from .models import (
    GoalEvaluation,
    MeasureEvaluation,
    Plan,
    PlanEvaluation,
    Report,
    ReportGoalLine,
    ReportMeasureLine,
    TargetEvaluation,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

REPORTED = (Report.Status.SUBMITTED, Report.Status.ACCEPTED)


def _unit_lines(
    model: type[ReportMeasureLine] | type[ReportGoalLine], plan: Plan, key: str
) -> dict[int, list[dict[str, Any]]]:
    """Per measure / goal id: each unit's reported work, period by period (submitted or accepted)."""
    rows = (
        model.objects.filter(report__period__plan=plan, report__status__in=REPORTED)
        .exclude(progress="")
        .select_related("report__unit", "report__period")
        .order_by("report__unit__order", "report__unit_id", "report__period__year", "report__period__half")
    )
    out: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
    for line in rows:
        unit = line.report.unit
        entry = out[getattr(line, key)].setdefault(unit.pk, {"unit": unit.name, "periods": []})
        entry["periods"].append(f"{line.report.period}：{line.progress}")
    return {k: list(v.values()) for k, v in out.items()}


def _rewards(plan: Plan) -> list[dict[str, Any]]:
    return granted_by_item_and_year(start=plan.start_date, end=plan.end_date)


def evaluation_data(plan: Plan) -> dict[str, Any]:
    evaluation = PlanEvaluation.objects.filter(plan=plan).select_related("signed_by", "reopened_by").first()
    evaluations = {e.target_id: e for e in TargetEvaluation.objects.filter(target__plan=plan)}
    targets = []
    for row in selectors.target_progress_rows(plan=plan, today=max(plan.end_date, timezone.localdate())):
        row["evaluation"] = evaluations.get(row["target"].pk)
        targets.append(row)
    measure_lines = _unit_lines(ReportMeasureLine, plan, "measure_id")
    measure_evals = {e.measure_id: e for e in MeasureEvaluation.objects.filter(measure__plan=plan)}
    measures = [
        {"measure": m, "units": measure_lines.get(m.pk, []), "evaluation": measure_evals.get(m.pk)}
        for m in plan.measures.order_by("order", "id")
    ]
    goal_lines = _unit_lines(ReportGoalLine, plan, "goal_id")
    goal_evals = {e.goal_id: e for e in GoalEvaluation.objects.filter(goal__plan=plan)}
    goals = [
        {"goal": g, "units": goal_lines.get(g.pk, []), "evaluation": goal_evals.get(g.pk)}
        for g in plan.goals.order_by("order", "id")
    ]
    summary = {label: 0 for label in ["已完成", "未完成", "无法评估", "未评估"]}
    for row in targets:
        summary[row["evaluation"].get_result_display() if row["evaluation"] else "未评估"] += 1
    return {
        "evaluation": evaluation,
        "targets": targets,
        "measures": measures,
        "goals": goals,
        "rewards": _rewards(plan),
        "summary": summary,
    }


TARGET_HEADERS = [
    "编号",
    "类别",
    "指标",
    "计量单位",
    "目标值",
    "最终值",
    "统计日期",
    "评估结论",
    "原因及说明",
    "评估人",
]
MEASURE_HEADERS = ["编号", "措施", "责任单位", "各单位报告的落实情况", "办公室评价"]
GOAL_HEADERS = ["条款", "定性目标", "各单位报告的工作情况", "评估结论", "评估意见"]
REWARD_HEADERS = ["奖励项目", "获奖年度", "核定项数", "核定金额（元）", "已拨付项数", "已拨付金额（元）"]


def target_rows(data: dict[str, Any]) -> list[list[Any]]:
    out = []
    for row in data["targets"]:
        t, e = row["target"], row["evaluation"]
        out.append(
            [
                t.code,
                t.get_category_display(),
                t.name,
                # typed cells: numbers and the date are real values in the xlsx (cell_text in the docx)
                t.measure_unit,
                t.target_value,
                e.final_value if e and e.final_value is not None else None,
                e.final_as_of if e and e.final_as_of else None,
                e.get_result_display() if e else "未评估",
                e.comment if e else "",
                str(e.evaluated_by) if e and e.evaluated_by else "",
            ]
        )
    return out


def _units_text(units: Iterable[dict[str, Any]]) -> str:
    return "\n".join(f"{u['unit']}：" + "；".join(u["periods"]) for u in units) or "（无报告）"


def measure_rows(data: dict[str, Any]) -> list[list[Any]]:
    return [
        [
            m["measure"].code,
            m["measure"].title,
            m["measure"].responsible_text,
            _units_text(m["units"]),
            m["evaluation"].comment if m["evaluation"] else "",
        ]
        for m in data["measures"]
    ]


def goal_rows(data: dict[str, Any]) -> list[list[Any]]:
    return [
        [
            g["goal"].clause,
            g["goal"].text,
            _units_text(g["units"]),
            g["evaluation"].get_result_display() if g["evaluation"] else "未评估",
            g["evaluation"].comment if g["evaluation"] else "",
        ]
        for g in data["goals"]
    ]


def reward_rows(data: dict[str, Any]) -> list[list[Any]]:
    return [
        [r["reward_item__name"], r["year"], r["granted_count"], r["granted"], r["paid_count"], r["paid"]]
        for r in data["rewards"]
    ]


def workbook_sheets(plan: Plan) -> list[tuple[str, list[str], list[list[Any]]]]:
    data = evaluation_data(plan)
    e = data["evaluation"]
    narrative = [[label, getattr(e, name, "") if e else ""] for name, label in _narrative_labels()]
    return [
        ("量化指标", TARGET_HEADERS, target_rows(data)),
        ("主要措施", MEASURE_HEADERS, measure_rows(data)),
        ("定性目标", GOAL_HEADERS, goal_rows(data)),
        ("奖励兑现", REWARD_HEADERS, reward_rows(data)),
        ("评估报告", ["部分", "内容"], narrative + [["状态", _status_text(e)]]),
    ]


def _narrative_labels() -> list[tuple[str, "StrOrPromise"]]:
    fields = {f.name: f for f in PlanEvaluation._meta.concrete_fields}
    return [(n, fields[n].verbose_name) for n in ("overview", "achievements", "problems", "suggestions")]


def _status_text(e: PlanEvaluation | None) -> str:
    if e and e.is_frozen:
        return f"已签发：{e.signed_by} {timezone.localtime(e.signed_at):%Y-%m-%d %H:%M}"
    return "编制中（未签发）"


def document(plan: Plan) -> DocxDocument:
    data = evaluation_data(plan)
    e = data["evaluation"]
    issuer = policy_document().office_name
    doc = new_document(title=f"{plan.name}终期评估报告", issuer=issuer, landscape=True)
    basis = plan.citation if plan.document_number else policy_document().citation
    add_paragraph(
        doc,
        f"根据{basis}，对{plan.name}（{cn_date(plan.start_date)}至{cn_date(plan.end_date)}）"
        f"确定的 {len(data['targets'])} 项量化指标、{len(data['measures'])} 项主要措施和 "
        f"{len(data['goals'])} 项定性目标逐项进行终期评估，报告如下。"
        + ("" if e and e.is_frozen else "（本稿尚未签发。）"),
    )
    add_heading(doc, "一、总体评价")
    add_paragraph(doc, (e.overview if e else "") or "（待填写）")
    add_paragraph(doc, "；".join(f"{label} {n} 项" for label, n in data["summary"].items() if n) + "。")
    add_heading(doc, "二、量化指标完成情况")
    add_table(doc, TARGET_HEADERS, target_rows(data), font_size=9)
    add_heading(doc, "三、主要措施落实情况")
    add_table(doc, MEASURE_HEADERS, measure_rows(data), font_size=9)
    add_heading(doc, "四、定性目标实现情况")
    add_table(doc, GOAL_HEADERS, goal_rows(data), font_size=9)
    add_heading(doc, "五、质量品牌奖励兑现情况")
    if data["rewards"]:
        add_table(doc, REWARD_HEADERS, reward_rows(data), font_size=9)
    else:
        add_paragraph(doc, "规划期内没有核定的奖励。")
    add_heading(doc, "六、主要成效")
    add_paragraph(doc, (e.achievements if e else "") or "（待填写）")
    add_heading(doc, "七、存在问题")
    add_paragraph(doc, (e.problems if e else "") or "（待填写）")
    add_heading(doc, "八、下一步建议")
    add_paragraph(doc, (e.suggestions if e else "") or "（待填写）")
    add_paragraph(doc, "")
    add_paragraph(doc, issuer, indent=False, align_right=True)
    if e and e.is_frozen:
        add_paragraph(doc, f"签发人：{e.signed_by}", indent=False, align_right=True)
        add_paragraph(doc, f"{cn_date(e.signed_at, with_time=False)}", indent=False, align_right=True)
    else:
        add_paragraph(doc, f"{cn_date(timezone.localdate())}（未签发）", indent=False, align_right=True)
    return doc
