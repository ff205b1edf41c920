"""member_units.yaml: every unit (单位) the pack names; others refer to them by name or alias."""

from typing import Any

from committee.models import MemberUnit

from ..files import PackFile
from ..upsert import LoadReport, upsert
from .base import PackContext, Section, rows, unique
from .identity import check_office_unit


class UnitsSection(Section):
    name = "units"
    title = "成员单位"
    file = "member_units.yaml"
    schema = "member_units.json"
    provides = ("units",)

    def validate(self, doc: PackFile, data: Any, ctx: PackContext) -> None:
        items = rows(data, "member_units")
        names = unique(doc, ("member_units",), items, "name", "单位名称")
        ctx.known["units"] |= names
        for i, row in items:
            for j, alias in enumerate(row.get("aliases") or []):
                if alias in ctx.known["units"]:
                    doc.error(("member_units", i, "aliases", j), f"别名“{alias}”与其他单位的名称或别名重复")
                ctx.known["units"].add(alias)
        check_office_unit(ctx)

    def apply(self, data: Any, ctx: PackContext, report: LoadReport) -> None:
        for row in data["member_units"]:
            upsert(
                MemberUnit,
                {"name": row["name"]},
                {
                    "full_name": row.get("full_name", ""),
                    "kind": row.get("kind", MemberUnit.Kind.BUREAU),
                    "is_member": bool(row.get("is_member", True)),
                    "aliases": list(row.get("aliases") or []),
                    "order": row.get("order", 0),
                },
                report,
            )
        # every unit of the database, pack or not, by name and alias (the office may have added some)
        for unit in MemberUnit.objects.all():
            ctx.objects["units"][unit.name] = unit
        for unit in MemberUnit.objects.all():
            for alias in unit.aliases or []:
                ctx.objects["units"].setdefault(alias, unit)
