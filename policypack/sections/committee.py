"""committee.yaml: the committee's roles (职务) and seats, with the first holder of each seat."""

from typing import Any

from committee.models import Appointment, Role, Seat

from ..files import PackFile
from ..upsert import LoadReport, upsert
from .base import PackContext, Section, known_unit, rows, unique


class CommitteeSection(Section):
    name = "committee"
    title = "委员会"
    file = "committee.yaml"
    schema = "committee.json"
    provides = ("roles",)

    def validate(self, doc: PackFile, data: Any, ctx: PackContext) -> None:
        ctx.known["roles"] |= unique(doc, ("roles",), rows(data, "roles"), "code", "职务代码")
        seats = rows(data, "seats")
        for i, row in seats:
            role = row.get("role")
            if isinstance(role, str) and not ctx.refers("roles", role):
                doc.error(("seats", i, "role"), f"未知职务“{role}”（应为 roles 中的代码）")
            known_unit(doc, ("seats", i, "unit"), row.get("unit"), ctx)
        seen: dict[tuple, int] = {}  # (role, unit, title) -> the line of its first seat
        for i, row in seats:
            key = (row.get("role"), row.get("unit"), row.get("title"))
            if key in seen:
                doc.error(("seats", i), f"席位重复（第{seen[key]}行已有同一职务、单位与职务名称）")
            seen.setdefault(key, doc.line(("seats", i)))

    def apply(self, data: Any, ctx: PackContext, report: LoadReport) -> None:
        for row in data["roles"]:
            ctx.objects["roles"][row["code"]] = upsert(
                Role,
                {"code": row["code"]},
                {"name": row["name"], "group": row["group"], "order": row.get("order", 0)},
                report,
            )
        start = data["effective_from"]
        for row in data["seats"]:
            seat = upsert(
                Seat,
                {
                    "role": ctx.objects["roles"][row["role"]],
                    "unit": ctx.unit(row["unit"]),
                    "title": row["title"],
                },
                {"order": row.get("order", 0)},
                report,
            )
            upsert(
                Appointment,
                {"seat": seat, "start_date": start},
                {"person_name": row.get("person") or ""},
                report,
            )
