"""funding_sources.yaml: who pays the rewards, each source with its ordered approval path
(rules and writes in ``awards.pack``)."""

from typing import Any

from awards.pack import apply_funding_sources, validate_funding_sources

from ..files import PackFile
from ..upsert import LoadReport, upsert
from .base import PackContext, Section, report_all, rows, unique


class FundingSection(Section):
    name = "funding"
    title = "资金来源"
    file = "funding_sources.yaml"
    schema = "funding_sources.json"
    provides = ("funding",)

    def validate(self, doc: PackFile, data: Any, ctx: PackContext) -> None:
        ctx.known["funding"] |= unique(
            doc, ("funding_sources",), rows(data, "funding_sources"), "source", "资金来源代码"
        )
        report_all(doc, validate_funding_sources(data.get("funding_sources")))

    def apply(self, data: Any, ctx: PackContext, report: LoadReport) -> None:
        ctx.objects["funding"] = apply_funding_sources(data["funding_sources"], upsert=upsert, report=report)
