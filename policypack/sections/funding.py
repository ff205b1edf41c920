"""funding_sources.yaml: who pays the rewards, each source with its ordered approval path
(rules and writes in ``awards.pack``)."""

from awards.pack import apply_funding_sources, validate_funding_sources

from ..upsert import upsert
from .base import Section, report_all, rows, unique


class FundingSection(Section):
    name = "funding"
    title = "资金来源"
    file = "funding_sources.yaml"
    schema = "funding_sources.json"
    provides = ("funding",)

    def validate(self, doc, data, ctx) -> None:
        ctx.known["funding"] |= unique(
            doc, ("funding_sources",), rows(data, "funding_sources"), "source", "资金来源代码"
        )
        report_all(doc, validate_funding_sources(data.get("funding_sources")))

    def apply(self, data, ctx, report) -> None:
        ctx.objects["funding"] = apply_funding_sources(data["funding_sources"], upsert=upsert, report=report)
