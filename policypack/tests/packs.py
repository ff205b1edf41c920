"""Helpers for tests that load packs: a copy of a pack to break, and a count of every row."""

import shutil
from pathlib import Path

from django.apps import apps
from django.conf import settings

TEST_PACKS = Path(settings.BASE_DIR) / "tests" / "packs"


def copy_pack(tmp_path: Path, source: Path | None = None) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(source or settings.POLICY_PACK_DIR, target)
    return target


def edit(pack: Path, name: str, old: str, new: str) -> int:
    """Replace the one occurrence of ``old`` in ``pack/name``; the (1-based) line where it started."""
    path = pack / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {name}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def line_of(pack: Path, name: str, text: str) -> int:
    content = (pack / name).read_text(encoding="utf-8")
    assert content.count(text) == 1, f"{text!r} is not once in {name}"
    return content[: content.index(text)].count("\n") + 1


def row_counts() -> dict[str, int]:
    """Rows of every model of the project's apps (history tables included)."""
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label in PROJECT_APPS}


PROJECT_APPS = {
    "core",
    "accounts",
    "committee",
    "targets",
    "awards",
    "meetings",
    "notifications",
    "scheduler",
}
