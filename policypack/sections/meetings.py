"""meetings.yaml: the joint-meeting rules (联席会议制度) and the kinds of business (议事内容) of a meeting."""

from meetings.models import BusinessKind, MeetingRule

from ..upsert import upsert
from .base import Section, known_unit, rows, unique


class MeetingsSection(Section):
    name = "meetings"
    title = "联席会议制度"
    file = "meetings.yaml"
    schema = "meetings.json"
    provides = ("business_kinds",)

    def validate(self, doc, data, ctx) -> None:
        rules = data.get("meeting_rules") if isinstance(data, dict) else None
        if not isinstance(rules, dict):
            return
        prefix = ("meeting_rules",)
        ctx.known["business_kinds"] |= unique(
            doc, prefix + ("business_kinds",), rows(rules, "business_kinds"), "code", "议事内容代码"
        )
        if rules.get("office_unit"):
            known_unit(doc, prefix + ("office_unit",), rules["office_unit"], ctx)

    def apply(self, data, ctx, report) -> None:
        rules = data["meeting_rules"]
        upsert(
            MeetingRule,
            {"name": rules["name"]},
            {
                "frequency_months": rules.get("frequency_months", 6),
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
