"""meetings.yaml: the joint-meeting rules (联席会议制度) and the kinds of business (议事内容) of a meeting."""

from typing import Any

from meetings.models import BusinessKind, MeetingRule
from meetings.rules import CYCLE_FIELDS, REMINDER_FIELDS, cycle_values, validate_meeting_rule

from ..files import PackFile
from ..upsert import LoadReport, upsert
from .base import PackContext, Section, known_unit, rows, unique
from .reporting import report_errors


class MeetingsSection(Section):
    name = "meetings"
    title = "联席会议制度"
    file = "meetings.yaml"
    schema = "meetings.json"
    provides = ("business_kinds",)

    def validate(self, doc: PackFile, data: Any, ctx: PackContext) -> None:
        rules = data.get("meeting_rules") if isinstance(data, dict) else None
        if not isinstance(rules, dict):
            return
        prefix = ("meeting_rules",)
        codes = unique(
            doc, prefix + ("business_kinds",), rows(rules, "business_kinds"), "code", "议事内容代码"
        )
        ctx.known["business_kinds"] |= codes
        if isinstance(rules.get("business_kinds"), list) and BusinessKind.INSPECTION not in codes:
            # every meeting opens with the standing item on the previous decisions, of this kind
            doc.error(
                prefix + ("business_kinds",),
                f"缺少议事内容代码“{BusinessKind.INSPECTION}”（检查决议决定落实情况）：每次会议的第一项议程"
                "“上次联席会议决定事项落实情况”属于这一类",
            )
        if rules.get("office_unit"):
            known_unit(doc, prefix + ("office_unit",), rules["office_unit"], ctx)
        # the meeting cycle: every N months in the preferred months, lead times (meetings.rules)
        cycle = {k: rules[k] for k in ("name", *CYCLE_FIELDS, *REMINDER_FIELDS) if k in rules}
        report_errors(doc, prefix, validate_meeting_rule(cycle, path="meeting_rules"))

    def apply(self, data: Any, ctx: PackContext, report: LoadReport) -> None:
        rules = data["meeting_rules"]
        upsert(
            MeetingRule,
            {"name": rules["name"]},
            {
                **cycle_values(rules),
                "convener": rules["convener"],
                "articles": rules.get("articles", []),
            },
            report,
        )
        for order, kind in enumerate(rules.get("business_kinds") or [], start=1):
            upsert(
                BusinessKind,
                {"code": kind["code"]},
                {"clause": kind["clause"], "name": kind["name"], "text": kind["text"], "order": order},
                report,
            )
