"""The interface every section of a pack implements (docs/policy-pack.md, “Sections”)."""

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..files import PackFile
from ..upsert import LoadReport


class PackContext:
    """What sections share while a pack is validated and applied.

    Validation fills ``known`` (names a later section may refer to: ``known["units"]``,
    ``known["funding"]``, ``known["rewards"]``, ``known["roles"]`` ...); applying fills ``objects``
    (the saved objects by the same names: ``objects["units"]["市市场监管局"]``). Sections may add their
    own entries; a section reads only what an earlier section of ``SECTIONS`` has put there.
    """

    def __init__(self, pack_dir: Path):
        self.pack_dir = pack_dir
        self.pack_code = ""
        self.known: dict[str, set] = defaultdict(set)
        self.objects: dict[str, dict] = defaultdict(dict)
        self.values: dict = {}  # single values: "effective_from", "document" (the PolicyDocument) ...
        # kinds of names whose file could not be read: references to them cannot be checked, and are not
        # reported (the unreadable file is)
        self.broken: set[str] = set()

    def refers(self, kind: str, value: object) -> bool:
        """Whether ``value`` is a known name of ``kind`` (or cannot be checked: see ``broken``)."""
        return kind in self.broken or value in self.known[kind]

    def unit(self, name: str) -> Any:
        """The MemberUnit of a name or alias (after the units section applied)."""
        return self.objects["units"][name]


class Section:
    """One part of a pack.

    ``file``      the file name in the pack, or a glob (``plan_*.yaml``) for a section of several files
    ``key``       the top-level key of that file the section owns (None: the whole file); several
                  sections may share one file, each with its own key (pack.yaml)
    ``schema``    its JSON Schema in ``policypack/schemas/`` (for ``key`` sections: the schema of the value)
    ``required``  whether the file (or key) must be there; a glob section requires at least one file

    The loader checks the schema, then calls ``validate`` (cross-references, uniqueness, rules the schema
    cannot say), for every section even when an earlier one failed; only if no section found an error it
    calls every ``apply`` inside one transaction. ``validate`` must not write to the database.
    """

    name = ""
    title = ""  # Chinese, for the report
    file = ""
    key: str | None = None
    schema = ""
    required = True
    provides: tuple[str, ...] = ()  # the kinds of names it registers in ctx.known ("units", ...)

    def validate(self, doc: PackFile, data: Any, ctx: PackContext) -> None:
        """Record errors with ``doc.error(path, message)`` (path from the file's top, e.g. ``("seats", 3,
        "unit")``) and register names in ``ctx.known``. ``data`` is the section's part of the file."""

    def apply(self, data: Any, ctx: PackContext, report: LoadReport) -> None:
        """Write ``data`` with ``policypack.upsert.upsert`` (keeps the office's edits)."""
        raise NotImplementedError


def rows(data: Any, key: str) -> list[tuple[int, dict[Any, Any]]]:
    """(index, row) for the mappings of the list ``data[key]``, skipping anything the schema refuses."""
    items = data.get(key) if isinstance(data, dict) else None
    if not isinstance(items, list):
        return []
    return [(i, row) for i, row in enumerate(items) if isinstance(row, dict)]


def unique(
    doc: PackFile, prefix: tuple[Any, ...], items: Iterable[tuple[int, dict[Any, Any]]], field: str, what: str
) -> set[Any]:
    """Report a repeated ``field`` among ``items`` ((index, row) pairs); returns the values seen."""
    seen: dict = {}
    for i, row in items:
        value = row.get(field)
        if value is None:
            continue
        if value in seen:
            doc.error(prefix + (i, field), f"{what}“{value}”重复（第{seen[value]}行已有）")
        else:
            seen[value] = doc.line(prefix + (i, field))
    return set(seen)


def known_unit(doc: PackFile, path: tuple[Any, ...], name: object, ctx: PackContext) -> None:
    if isinstance(name, str) and not ctx.refers("units", name):
        doc.error(path, f"未知单位“{name}”（应为 member_units.yaml 中的单位名称或别名）")


def report_all(doc: PackFile, errors: Iterable[tuple[str, str]]) -> None:
    """Record ``(field path, message)`` pairs of a pure validator (``awards.pack``); a field the schema
    already found wrong is not reported twice."""
    taken = {e.field for e in doc.errors}
    for path, message in errors:
        if path not in taken:
            doc.error(parse_path(path), message)


def parse_path(path: str) -> tuple:
    """``reward_items[3].tiers[1].amount_yuan`` → ``("reward_items", 3, "tiers", 1, "amount_yuan")``."""
    out: list = []
    for part in path.split("."):
        name, *indices = part.split("[")
        if name:
            out.append(name)
        out.extend(int(i.rstrip("]")) for i in indices)
    return tuple(out)
