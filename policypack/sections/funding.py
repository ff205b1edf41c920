"""funding_sources.yaml: who pays the rewards, each source with its ordered approval path."""

from awards.models import FundingPath, FundingStep

from ..upsert import upsert
from .base import Section, rows, unique


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

    def apply(self, data, ctx, report) -> None:
        for row in data["funding_sources"]:
            path = upsert(
                FundingPath,
                {"source": row["source"]},
                {
                    "payer": row["payer"],
                    "fund": row.get("fund") or "",
                    "clause": row.get("clause", ""),
                    "provisional": bool(row.get("provisional", False)),
                },
                report,
            )
            for order, step in enumerate(row["steps"], start=1):
                upsert(
                    FundingStep,
                    {"path": path, "order": order},
                    {
                        "name": step["name"],
                        "actor": step["actor"],
                        "produces": step.get("produces") or "",
                        "receives": step.get("receives") or "",
                        "records": step.get("records") or "",
                    },
                    report,
                )
