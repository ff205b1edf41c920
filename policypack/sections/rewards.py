"""reward_items.yaml: the reward lines (奖励标准) with their rules and the groups they are counted in,
each line paid from a funding source of funding_sources.yaml (rules and writes in ``awards.pack``)."""

from typing import Any

from awards.pack import apply_reward_lines, validate_reward_groups, validate_reward_lines

from ..files import PackFile
from ..upsert import LoadReport, upsert
from .base import PackContext, Section, report_all, rows, unique


class RewardsSection(Section):
    name = "rewards"
    title = "奖励标准"
    file = "reward_items.yaml"
    schema = "reward_items.json"
    provides = ("rewards",)

    def validate(self, doc: PackFile, data: Any, ctx: PackContext) -> None:
        items = rows(data, "reward_items")
        # a repeated code told at its line (first); awards.pack's message for the same field is not repeated
        ctx.known["rewards"] |= unique(doc, ("reward_items",), items, "code", "奖项代码")
        groups = unique(doc, ("reward_groups",), rows(data, "reward_groups"), "code", "奖励分组代码")
        report_all(doc, validate_reward_groups(data.get("reward_groups")))
        report_all(
            doc,
            validate_reward_lines(
                data.get("reward_items"),
                funding_codes=None if "funding" in ctx.broken else ctx.known["funding"],
                group_codes=groups,
                default_from=data.get("effective_from"),
            ),
        )

    def apply(self, data: Any, ctx: PackContext, report: LoadReport) -> None:
        apply_reward_lines(data, upsert=upsert, report=report, sources=ctx.objects.get("funding"))
