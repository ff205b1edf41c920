"""What the database says is stored, compared with what is on disk (``manage.py check_files``).

- missing: a row refers to a file that is not in storage;
- damaged: the file's SHA-256 or size differs from the one taken when it was written;
- orphan: a file in storage that no row refers to: at once when its pending entry shows that the
  process that wrote it died before committing (core.storage), otherwise once it is older than
  ``ORPHAN_GRACE``, so a file being written by a request that has not committed yet is not reported;
- unrecorded: a referenced file written before checksums were taken (``--record`` takes them).
"""

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalChanges

from .models import FileCheckRun, StoredFile
from .storage import PENDING, TRASH, file_digest, pending_writes, writer_gone

ORPHAN_GRACE = dt.timedelta(hours=1)


def file_fields() -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every FileField of the current data (history rows name past files)."""
    return [
        (model, field.name)
        for model in apps.get_models()
        if not issubclass(model, HistoricalChanges)
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]


def referenced_names(names: Iterable[str] | None = None) -> set[str]:
    """Stored names that some row refers to (limited to ``names`` when given)."""
    found: set[str] = set()
    for model, field in file_fields():
        qs = model._default_manager.exclude(**{field: ""}).exclude(**{f"{field}__isnull": True})
        if names is not None:
            qs = qs.filter(**{f"{field}__in": list(names)})
        found.update(qs.values_list(field, flat=True).distinct())
    return found


def verify(name: str) -> str:
    """'ok', 'missing', 'damaged' or 'unrecorded' for one stored name."""
    path = Path(settings.MEDIA_ROOT) / name
    if not path.is_file():
        return "missing"
    record = StoredFile.objects.filter(name=name).first()
    if record is None:
        return "unrecorded"
    if path.stat().st_size != record.size:
        return "damaged"
    with path.open("rb") as handle:
        sha256, _ = file_digest(handle)
    return "ok" if sha256 == record.sha256 else "damaged"


def files_on_disk() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return set()
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file()
        and p.relative_to(root).parts[0] not in (TRASH, PENDING)
        and not p.name.startswith(".health-")
    }


def abandoned_writes(referenced: set[str]) -> set[str]:
    """Names written by a process that died before its transaction ended and that no row refers to.

    Pending entries whose outcome is now known are settled: a referenced name was committed, a name
    no longer on disk has been removed (``--delete-orphans``, or never written)."""
    root = Path(settings.MEDIA_ROOT)
    abandoned = set()
    for entry, data in pending_writes():
        if not writer_gone(data, grace_seconds=ORPHAN_GRACE.total_seconds()):
            continue  # its request or task is still running
        name = data.get("name") or ""
        if name and name not in referenced and (root / name).is_file():
            abandoned.add(name)
        else:
            entry.unlink(missing_ok=True)
    return abandoned


def check_files(*, record: bool = False, now: dt.datetime | None = None) -> FileCheckRun:
    """Compare every referenced file with its checksum and list orphans; stores and returns the run."""
    now = now or timezone.now()
    root = Path(settings.MEDIA_ROOT)
    referenced = referenced_names()
    missing, damaged, unrecorded = [], [], []
    for name in sorted(referenced):
        state = verify(name)
        if state == "missing":
            missing.append(name)
        elif state == "damaged":
            damaged.append(name)
        elif state == "unrecorded":
            unrecorded.append(name)
    if record:
        for name in unrecorded:
            with (root / name).open("rb") as handle:
                sha256, size = file_digest(handle)
            StoredFile.objects.update_or_create(name=name, defaults={"sha256": sha256, "size": size})
    cutoff = (now - ORPHAN_GRACE).timestamp()
    abandoned = abandoned_writes(referenced)
    orphans = sorted(
        name
        for name in files_on_disk() - referenced
        if name in abandoned or (root / name).stat().st_mtime < cutoff
    )
    run = FileCheckRun.objects.create(
        files=len(referenced), missing=missing, damaged=damaged, orphans=orphans
    )
    run.unrecorded = [] if record else unrecorded
    return run


def last_run() -> FileCheckRun | None:
    return FileCheckRun.objects.order_by("-checked_at", "-id").first()
