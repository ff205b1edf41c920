"""funding_sources.yaml: who pays the rewards, each source with its ordered approval path
(rules and writes in ``awards.pack``)."""

from awards.pack import apply_funding_sources, validate_funding_sources

from ..upsert import upsert
from .base import Section, report_all, rows


class FundingSection(Section):
    name = "funding"
    title = "资金来源"
    file = "funding_sources.yaml"
    schema = "funding_sources.json"
    provides = ("funding",)

    def validate(self, doc, data, ctx) -> None:
        ctx.known["funding"] |= {
            row["source"] for _, row in rows(data, "funding_sources") if isinstance(row.get("source"), str)
        }
        report_all(doc, validate_funding_sources(data.get("funding_sources")))

    def apply(self, data, ctx, report) -> None:
        ctx.objects["funding"] = apply_funding_sources(data["funding_sources"], upsert=upsert, report=report)
