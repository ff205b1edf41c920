"""The periodic (half-yearly, quarterly or yearly: core.rhythm) progress report: figures from the domain apps' selectors, written as xlsx and docx.

``report_figures`` gathers every number into plain JSON-able data (strings, ints, ISO dates), in a
fixed order, as at the end of the half year: the same data always gives the same figures, so a
rebuild can be compared with the previous build. ``workbook_for`` and ``document_for`` only lay the
figures out.
"""

import datetime as dt
import logging
import re
from decimal import Decimal
from typing import Any, Literal

from awards.selectors import paid_between
from core.dates import cn_date
from core.documents import Percent, add_heading, add_paragraph, add_table, build_workbook, new_document
from core.policy import policy_document
from core.ranking import rank_with_ties
from core.rhythm import RHYTHM_NAMES
from meetings.selectors import ClosureSummary, followup_closure_summary
from targets.models import Plan, ReportingPeriod
from targets.progress import MISSED_LABEL, TargetSpec, evaluate
from targets.selectors import (
    ProgressRow,
    TimelinessRow,
    amber_band_of,
    period_timeliness,
    target_progress_rows,
)

from .halves import HalfYear

logger = logging.getLogger(__name__)

UNAVAILABLE = "该部分数据暂不可用（相关功能尚未启用）。"


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _section(
    title: str, headers: list[str], rows: list[list], summary: str, *, available: bool = True
) -> dict:
    return {
        "title": title,
        "headers": headers,
        "rows": [[_text(v) for v in row] for row in rows],
        "summary": summary,
        "available": available,
    }


def _unavailable(title: str) -> dict:
    return _section(title, [], [], UNAVAILABLE, available=False)


# --- 一、目标指标进度 ------------------------------------------------------------------------


def _period_for(half: HalfYear) -> ReportingPeriod | None:
    return (
        ReportingPeriod.objects.filter(rhythm=half.rhythm, year=half.year, half=half.half)
        .select_related("plan")
        .order_by("-plan__is_current", "-plan__start_date")
        .first()
    )


def _plan_for(half: HalfYear, period: ReportingPeriod | None) -> Plan | None:
    if period is not None:
        return period.plan
    return (
        Plan.objects.filter(start_date__lte=half.end, end_date__gte=half.start)
        .order_by("-is_current", "-start_date")
        .first()
    )


def _as_at_half_end(row: ProgressRow, half: HalfYear) -> tuple[Any, ...]:
    """(actual, as_of, progress_pct, rag, rag_label) as at the half's last day.

    The selector gives the latest value; a value recorded in a later half year must not change
    this half's report, so the half-year series is cut at this half and the RAG recomputed.
    """
    # the target's own values (a carried-over target's series also holds its predecessor's)
    points = [
        p for p in row.get("series", []) if p["as_of"] <= half.end and p.get("target_id") == row["target"].pk
    ]
    latest = points[-1] if points else None
    progress = evaluate(
        TargetSpec.of(row["target"]),
        latest["value"] if latest else None,
        latest["as_of"] if latest else None,
        # as at the END of the half's last day: a deadline on that day has passed (未完成, not 滞后)
        half.end + dt.timedelta(days=1),
        amber_band=amber_band_of(row["target"]),
    )
    return (
        progress.actual,
        progress.as_of,
        progress.progress_pct,
        progress.rag,
        ("已达成" if progress.achieved else progress.rag_label),
    )


def targets_section(half: HalfYear, plan: Plan | None) -> dict:
    title = "一、目标指标完成进度"
    if plan is None:
        return _unavailable(title)
    counts = {"green": 0, "amber": 0, "red": 0, "missed": 0, "gray": 0}
    rows = []
    for row in target_progress_rows(plan=plan, today=half.end):
        target = row["target"]
        actual, as_of, pct, rag, rag_label = _as_at_half_end(row, half)
        # past its deadline and not met: 未完成, counted apart from 滞后 / 严重滞后
        key = "missed" if rag_label == MISSED_LABEL else rag
        counts[key] = counts.get(key, 0) + 1
        leads = [o.unit for o in row.get("owners", []) if o.role == "lead"]
        rows.append(
            [
                target.code,
                target.get_category_display(),
                target.name,
                target.target_value,
                target.measure_unit,
                actual,
                as_of,
                None if pct is None else f"{pct:.0f}%",
                rag_label,
                "、".join(leads),
            ]
        )
    summary = (
        f"纳入统计的目标指标 {len(rows)} 项：进度正常 {counts['green']} 项，滞后 {counts['amber']} 项，"
        f"严重滞后 {counts['red']} 项，"
        + (f"已过完成时限未完成 {counts['missed']} 项，" if counts["missed"] else "")
        + f"暂无数据 {counts['gray']} 项（截至{cn_date(half.end)}）。"
    )
    section = _section(
        title,
        ["编号", "类别", "指标", "目标值", "计量单位", "实际值", "数据日期", "完成进度", "状态", "牵头单位"],
        rows,
        summary,
    )
    section["counts"] = counts
    section["status_col"] = 8
    return section


# --- 二、成员单位报送及时性排名 ------------------------------------------------------------------

TIMELINESS_ORDER = {"on_time": 0, "backfilled": 1, "late": 2, "pending": 3, "missing": 4}


def _stamp(row: TimelinessRow) -> str:
    """The first submission as a sortable key; every report never submitted shares the same one."""
    return row["submitted_at"].isoformat() if row["submitted_at"] else "~"


def timeliness_section(half: HalfYear, period: ReportingPeriod | None) -> dict:
    title = "二、成员单位报送及时性排名"
    if period is None:
        section = _unavailable(title)
        section["summary"] = f"{half.label}未开启报送期次，无报送记录。"
        return section
    counts: dict[str, int] = {}
    rows = []
    # decided as at the day after the due date: a report not in by then is 未报送 for good
    league_rows = period_timeliness(period=period, today=period.due_date + dt.timedelta(days=1))
    # equal standing (same timeliness and first-submission time, e.g. all 未报送) ranks equal
    ranked = rank_with_ties(league_rows, key=lambda r: (TIMELINESS_ORDER[r["timeliness"]], _stamp(r)))
    for rank, row in ranked:
        counts[row["timeliness"]] = counts.get(row["timeliness"], 0) + 1
        rows.append(
            [
                rank,
                row["unit"].name,
                row["status_label"],
                row["submitted_at"],
                row["timeliness_label"],
                "是" if row.get("returned") else "否",
            ]
        )
    summary = (
        f"应报送单位 {len(rows)} 个（截止日 {cn_date(period.due_date)}）：按时报送 {counts.get('on_time', 0)} 个，"
        f"逾期报送 {counts.get('late', 0)} 个，未报送 {counts.get('missing', 0)} 个。"
    )
    section = _section(
        title, ["排名", "成员单位", "报告状态", "首次提交时间", "及时性", "曾被退回"], rows, summary
    )
    section["counts"] = counts
    return section


# --- 三、督办事项办结情况 ----------------------------------------------------------------------


def followups_section(half: HalfYear) -> dict:
    title = "三、联席会议督办事项办结情况"
    data = followup_closure_summary(start=half.start, end=half.end)
    return _followup_rows(title, data, this=this_period(half))


def this_period(half: HalfYear) -> str:
    """本半年 / 本季度 / 本年度: how the summaries name the report's period."""
    return f"本{RHYTHM_NAMES[half.rhythm]}"


ClosureKey = Literal["total", "closed_on_time", "closed_late", "open", "overdue"]


def _followup_rows(title: str, data: ClosureSummary, this: str) -> dict:
    keys: tuple[ClosureKey, ...] = ("total", "closed_on_time", "closed_late", "open", "overdue")
    rows = [[u["unit"], *(u[k] for k in keys)] for u in data["units"]]
    t = data["totals"]
    if t["total"]:
        closed = t["closed_on_time"] + t["closed_late"]
        summary = (
            f"{this}到期的督办事项（按责任单位计）{t['total']} 项：已办结 {closed} 项"
            f"（按期 {t['closed_on_time']} 项，逾期 {t['closed_late']} 项），办结率 {closed * 100 // t['total']}%；"
            f"未办结 {t['open']} 项，其中已逾期 {t['overdue']} 项。"
        )
    else:
        summary = f"{this}没有到期的督办事项。"
    section = _section(
        title, ["责任单位", "到期事项", "按期办结", "逾期办结", "未办结", "其中已逾期"], rows, summary
    )
    section["counts"] = {k: t[k] for k in keys}
    return section


# --- 四、奖励兑现情况 --------------------------------------------------------------------------


def rewards_section(half: HalfYear) -> dict:
    title = "四、质量品牌奖励兑现情况"
    rows = []
    by_source: dict[str, int] = {}
    total = 0
    for application in paid_between(start=half.start, end=half.end):
        amount = application.paid_amount_yuan or 0
        source = application.funding_source_label
        by_source[source] = by_source.get(source, 0) + amount
        total += amount
        rows.append(
            [
                application.paid_on,
                application.enterprise.name,
                application.reward_item.name,
                application.reference,
                source,
                amount,
            ]
        )
    if rows:
        parts = "；".join(f"{source} {_wan(amount)} 万元" for source, amount in by_source.items())
        summary = f"{this_period(half)}兑现奖励 {len(rows)} 项，合计 {_wan(total)} 万元（{parts}）。"
    else:
        summary = f"{this_period(half)}没有兑现的奖励。"
    section = _section(
        title, ["拨付日期", "企业", "奖励项目", "证书/标准编号", "资金来源", "拨付金额（元）"], rows, summary
    )
    section["total_yuan"] = total
    return section


def _wan(amount_yuan: int) -> str:
    return _text((Decimal(amount_yuan) / 10000).quantize(Decimal("0.01")))


# --- the whole report ----------------------------------------------------------------------


def report_figures(half: HalfYear) -> dict:
    period = _period_for(half)
    plan = _plan_for(half, period)
    sections = [
        targets_section(half, plan),
        timeliness_section(half, period),
        followups_section(half),
        rewards_section(half),
    ]
    return {
        "key": half.key,
        "label": half.label,
        "title": report_title(half),
        "basis": policy_document().citation,
        "plan": plan.name if plan else "",
        "start": half.start.isoformat(),
        "end": half.end.isoformat(),
        "due_date": period.due_date.isoformat() if period else "",
        "sections": sections,
    }


def report_title(half: HalfYear) -> str:
    policy = policy_document()
    return f"{policy.city_name}{policy.program_name}{half.label}工作进度报告"


_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_STAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
_PERCENT = re.compile(r"-?\d+(\.\d+)?%")


def _cell(value: str, header: str) -> str | int | Decimal | Percent | dt.date:
    """The typed cell of a stored figure (figures keep text, so rebuilds compare exactly)."""

    if not isinstance(value, str) or not value or "编号" in header:
        return value
    if _NUMBER.fullmatch(value):
        return int(value) if "." not in value else Decimal(value)
    if _PERCENT.fullmatch(value):
        return Percent(Decimal(value[:-1]))
    if _STAMP.fullmatch(value):
        return dt.datetime.strptime(value, "%Y-%m-%d %H:%M")
    if _DAY.fullmatch(value):
        return dt.date.fromisoformat(value)
    return value


def workbook_bytes(figures: dict) -> bytes:
    from core.documents import xlsx_bytes

    overview = [
        ["报告", figures["title"]],
        ["统计区间", f"{figures['start']} 至 {figures['end']}"],
        ["报送截止日", figures["due_date"] or "—"],
        ["所属规划", figures["plan"] or "—"],
    ] + [[s["title"], s["summary"]] for s in figures["sections"]]
    sheets = [("概况", ["项目", "内容"], overview)]
    for section in figures["sections"]:
        if section["available"] and section["headers"]:
            headers = section["headers"]
            rows = [[_cell(v, h) for v, h in zip(row, headers, strict=False)] for row in section["rows"]]
            sheets.append((section["title"].split("、", 1)[-1][:31], headers, rows))
    return xlsx_bytes(build_workbook(sheets))


def document_bytes(figures: dict, *, built_on: dt.date) -> bytes:
    from core.documents import docx_bytes

    issuer = policy_document().office_name
    doc = new_document(title=figures["title"], issuer=issuer, landscape=True)
    add_paragraph(
        doc,
        f"根据{figures['basis']}和联席会议制度，"
        f"现将{figures['label']}（{figures['start']} 至 {figures['end']}）{policy_document().program_name or '质量品牌'}工作进展报告如下。",
    )
    for section in figures["sections"]:
        add_heading(doc, section["title"])
        add_paragraph(doc, section["summary"])
        if section["available"] and section["headers"] and section["rows"]:
            add_table(doc, section["headers"], section["rows"], font_size=9)
    add_paragraph(doc, issuer, indent=False, align_right=True)
    add_paragraph(doc, f"{cn_date(built_on)}", indent=False, align_right=True)
    return docx_bytes(doc)
