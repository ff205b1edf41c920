"""pack.yaml: the pack's code, the identity of the county and its office, the policy document."""

from typing import Any

from core.models import PolicyDocument

from ..files import PackFile
from ..upsert import LoadReport, upsert
from .base import PackContext, Section, known_unit


def installed_pack() -> tuple[str, str] | None:
    """(pack code, document code) of the pack this database already holds, if any."""
    document = PolicyDocument.objects.order_by("id").first()
    return (document.pack_code, document.code) if document else None


class PackSection(Section):
    name = "pack"
    title = "政策包"
    file = "pack.yaml"
    key = "pack"
    schema = "pack.json"

    def validate(self, doc: PackFile, data: Any, ctx: PackContext) -> None:
        ctx.pack_code = data.get("code", "")
        ctx.values["pack"] = data
        installed = installed_pack()
        if installed is None or not ctx.pack_code:
            return
        code, document_code = installed
        document = ((doc.data or {}).get("document") or {}).get("code")
        if code == ctx.pack_code or (not code and document_code == document):
            return
        doc.error(
            ("pack", "code"),
            f"本系统已载入政策包“{code or document_code}”，不能再载入政策包“{ctx.pack_code}”："
            "一套系统只运行一个县市的政策包（如需更换，请使用新的数据库）",
        )

    def apply(self, data: Any, ctx: PackContext, report: LoadReport) -> None:
        ctx.values["pack"] = data


class IdentitySection(Section):
    name = "identity"
    title = "县市与办公室"
    file = "pack.yaml"
    key = "identity"
    schema = "identity.json"

    def validate(self, doc: PackFile, data: Any, ctx: PackContext) -> None:
        ctx.values["identity"] = data
        ctx.values["identity_path"] = doc

    def apply(self, data: Any, ctx: PackContext, report: LoadReport) -> None:
        ctx.values["identity"] = data


class DocumentSection(Section):
    """The policy document (title, number, date) with the identity above, as one PolicyDocument."""

    name = "document"
    title = "政策文件"
    file = "pack.yaml"
    key = "document"
    schema = "document.json"

    def apply(self, data: Any, ctx: PackContext, report: LoadReport) -> None:
        who = ctx.values.get("identity") or {}
        city = who.get("city_name", "")
        ctx.values["document"] = upsert(
            PolicyDocument,
            {"code": data["code"]},
            {
                "pack_code": ctx.pack_code,
                "title": data["title"],
                "document_number": data["document_number"],
                "issuer": data.get("issuer", ""),
                "issued_on": data.get("issued_on"),
                "city_name": city,
                "short_name": who.get("short_name", ""),
                "platform_name": who.get("platform_name") or f"{city}质量品牌工作平台",
                "program_name": who.get("program_name", ""),
                "committee_name": who.get("committee_name", ""),
                "meeting_name": who.get("meeting_name", ""),
                "office_name": who.get("office_name", ""),
                "office_unit": who.get("office_unit", ""),
                "office_text": who.get("office_text", ""),
            },
            report,
        )


def check_office_unit(ctx: PackContext) -> None:
    """identity.office_unit names a unit (checked once the units are known)."""
    doc = ctx.values.get("identity_path")
    who = ctx.values.get("identity")
    if doc is not None and isinstance(who, dict):
        known_unit(doc, ("identity", "office_unit"), who.get("office_unit"), ctx)
