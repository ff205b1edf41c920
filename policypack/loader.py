"""Load a policy pack: parse every file, validate every section, then apply all of it or nothing.

    load_pack(Path("fixtures/policy/jianli"))  -> LoadReport       (raises PackInvalid, nothing written)
    validate_pack(path)                        -> list[PackError]   (reads the database, writes nothing)

See docs/policy-pack.md for the format and for how to add a section.
"""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from .files import PackError, PackFile, PackInvalid
from .schema import check
from .sections import SECTIONS, PackContext, Section
from .upsert import LoadReport


def default_pack_dir() -> Path:
    return Path(settings.POLICY_PACK_DIR)


class _Pack:
    """The files of a pack, each parsed once, and the part of each file every section owns."""

    def __init__(self, pack_dir: Path, sections: Sequence[Section]):
        self.dir = pack_dir
        self.files: dict[str, PackFile | None] = {}  # None: the file is not in the pack
        self.errors: list[PackError] = []
        self.parts: list[tuple[Section, PackFile]] = []
        self.broken: set[str] = set()
        if not pack_dir.is_dir():
            self.errors.append(PackError(str(pack_dir), 0, "", "政策包目录不存在"))
            return
        for section in sections:
            names = (
                sorted(p.name for p in pack_dir.glob(section.file)) if "*" in section.file else [section.file]
            )
            if "*" in section.file and not names and section.required:
                self.errors.append(
                    PackError(section.file, 0, "", f"缺少{section.title}文件（{section.file}）")
                )
            for name in names:
                doc = self._file(name)
                if doc is None:
                    self.broken |= set(section.provides)
                    missing = PackError(name, 0, "", "缺少文件")
                    if section.required and missing not in self.errors:
                        self.errors.append(missing)
                    continue
                if doc.errors and doc.node is None:
                    self.broken |= set(section.provides)
                    continue  # not YAML: told once, when read
                self.parts.append((section, doc))
        self._unowned_keys(sections)

    def _file(self, name: str) -> PackFile | None:
        if name not in self.files:
            path = self.dir / name
            doc = PackFile.read(path) if path.is_file() else None
            self.files[name] = doc
            if doc is not None:
                self.errors.extend(doc.errors)
        return self.files[name]

    def _unowned_keys(self, sections: Sequence[Section]) -> None:
        """In a file split between sections by key, a top-level key no section owns is an error."""
        owners: dict[str, set[str]] = {}
        for section in sections:
            if section.key:
                owners.setdefault(section.file, set()).add(section.key)
        for name, keys in owners.items():
            doc = self.files.get(name)
            if doc is None or not isinstance(doc.data, dict):
                continue
            for key in doc.data:
                if key not in keys:
                    doc.error((key,), f"未知字段（允许的字段：{'、'.join(sorted(keys))}）")


def _section_data(section: Section, doc: PackFile) -> Any:
    if section.key is None:
        return doc.data
    return doc.data.get(section.key) if isinstance(doc.data, dict) else None


def _validate(pack: _Pack, ctx: PackContext) -> list[PackError]:
    ctx.broken |= pack.broken
    for section, doc in pack.parts:
        before = len(doc.errors)
        if section.key is not None and not isinstance(doc.data, dict):
            doc.error((), "文件内容应为字段表")
            continue
        if section.key is not None and section.key not in doc.data:
            if section.required:
                doc.error((section.key,), f"缺少必填字段（{section.title}）")
            continue
        prefix = (section.key,) if section.key else ()
        check(doc, section.schema, prefix)
        data = _section_data(section, doc)
        try:
            section.validate(doc, data if data is not None else {}, ctx)
        except (KeyError, TypeError, AttributeError, ValueError):
            if len(doc.errors) == before:
                raise  # a section must cope with any data its schema accepts
    errors = list(pack.errors)
    for read in pack.files.values():
        if read is not None:
            errors.extend(e for e in read.errors if e not in errors)
    return sorted(set(errors))


def validate_pack(pack_dir: Path | None = None, sections: Sequence[Section] | None = None) -> list[PackError]:
    """Every error of the pack (empty: the pack is valid). Writes nothing."""
    pack_dir = Path(pack_dir) if pack_dir else default_pack_dir()
    return _validate(_Pack(pack_dir, sections or SECTIONS), PackContext(pack_dir))


def load_pack(pack_dir: Path | None = None, sections: Sequence[Section] | None = None) -> LoadReport:
    """Validate the whole pack, then apply every section in one transaction (nothing if any error)."""
    pack_dir = Path(pack_dir) if pack_dir else default_pack_dir()
    sections = sections or SECTIONS
    pack = _Pack(pack_dir, sections)
    ctx = PackContext(pack_dir)
    errors = _validate(pack, ctx)
    if errors:
        raise PackInvalid(errors)
    report = LoadReport()
    with transaction.atomic():
        for section, doc in pack.parts:
            data = _section_data(section, doc)
            if data is not None:
                section.apply(data, ctx, report)
    return report
