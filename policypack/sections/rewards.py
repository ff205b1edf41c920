"""reward_items.yaml: the reward lines (奖励标准), each paid from a funding source of funding_sources.yaml."""

from awards.models import RewardItem

from ..upsert import upsert
from .base import Section, rows, unique


class RewardsSection(Section):
    name = "rewards"
    title = "奖励标准"
    file = "reward_items.yaml"
    schema = "reward_items.json"
    provides = ("rewards",)

    def validate(self, doc, data, ctx) -> None:
        items = rows(data, "reward_items")
        ctx.known["rewards"] |= unique(doc, ("reward_items",), items, "code", "奖项代码")
        for i, row in items:
            source = row.get("funding_source")
            if isinstance(source, str) and not ctx.refers("funding", source):
                doc.error(
                    ("reward_items", i, "funding_source"),
                    f"未知资金来源“{source}”（应为 funding_sources.yaml 中的 source）",
                )

    def apply(self, data, ctx, report) -> None:
        effective = data["effective_from"]
        for row in data["reward_items"]:
            upsert(
                RewardItem,
                {"code": row["code"]},
                {
                    "name": row["name"],
                    "amount_yuan": int(row["amount_yuan"]),
                    "funding_source": row["funding_source"],
                    "provisional": bool(row.get("provisional", False)),
                    "family": row.get("family") or row["code"],
                    "is_nomination": bool(row.get("is_nomination", False)),
                    "effective_from": row.get("effective_from", effective),
                    "clause": row.get("clause", "三(二)"),
                    "basis": row.get("basis", ""),
                    "funding_note": row.get("funding_note", ""),
                    "order": row.get("order", 0),
                },
                report,
            )
