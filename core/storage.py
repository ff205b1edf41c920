"""The storage of every uploaded and generated file: checksummed, and never left behind by a rollback.

- Each file written gets a ``StoredFile`` row (SHA-256 and size), in the caller's transaction.
- A full or read-only disk raises ``StorageUnavailable``, a ValidationError with a Chinese message: the
  views that catch service errors show it on the form, which keeps what the user typed.
- Deleting a file inside a transaction waits for the commit: a rolled-back replacement keeps the old file.
  A deleted file is moved to ``MEDIA_ROOT/.trash/`` and purged after ``TRASH_KEEP`` (nightly file
  check): a backup whose database snapshot still refers to it can archive it from there.
- A file written while handling one request (or one Celery task) that no row refers to at its end —
  the transaction that referred to it was rolled back — is removed then (``discard_unreferenced``).
- Before a file is written, a pending entry naming it (and the writing process) is written and
  synced to ``MEDIA_ROOT/.pending/``; it is removed once the outcome is known (end of the request or
  task, or the commit outside one). A process killed between the write and the commit leaves the
  entry: ``check_files`` then lists the file as an orphan at once (its writer is gone and no row
  refers to it) instead of after the hour's grace given to files of unknown origin, and
  ``check_files --delete-orphans`` moves it to the trash.
"""

import datetime as dt
import errno
import functools
import hashlib
import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage
from django.db import DatabaseError, transaction

from .errors import ServiceError

logger = logging.getLogger(__name__)

# the disk is full, over quota or mounted read-only
STORAGE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}
STORAGE_MESSAGE = (
    "服务器存储空间已满或暂时只读，文件未能保存，本次提交未生效；您填写的内容已保留，"
    "请稍后重新选择文件再提交。系统管理员已在“后台任务状态”页面收到提示。"
)

TRASH = ".trash"
PENDING = ".pending"  # MEDIA_ROOT/.pending/<token>.json: a write whose transaction has not ended yet
TRASH_KEEP = dt.timedelta(days=2)

_local = threading.local()


class StorageUnavailable(ServiceError):
    default_code = "storage_unavailable"

    def __init__(self) -> None:
        super().__init__(STORAGE_MESSAGE)


def file_digest(handle: File | IO[bytes]) -> tuple[str, int]:
    """SHA-256 (hex) and size of a file-like object, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    if hasattr(handle, "seek"):
        handle.seek(0)
    chunks = handle.chunks() if hasattr(handle, "chunks") else iter(lambda: handle.read(1 << 20), b"")
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    if hasattr(handle, "seek"):
        handle.seek(0)
    return digest.hexdigest(), size


def begin_unit_of_work(**kwargs: Any) -> None:
    _local.written = {}


def written_in_unit_of_work() -> set[str]:
    return set(getattr(_local, "written", None) or ())


# --- pending writes ---------------------------------------------------------------------------


def _pending_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / PENDING


def _pending_write(path: Path, name: str) -> None:
    data = {"name": name, "pid": os.getpid(), "host": socket.gethostname(), "at": time.time()}
    with path.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False)
        handle.flush()
        os.fsync(handle.fileno())  # on disk before the file it announces


def _pending_begin(name: str) -> Path:
    directory = _pending_dir()
    directory.mkdir(parents=True, exist_ok=True)
    entry = directory / f"{uuid.uuid4().hex}.json"
    _pending_write(entry, name)
    return entry


def _pending_end(entry: Path) -> None:
    entry.unlink(missing_ok=True)


def pending_writes() -> list[tuple[Path, dict]]:
    """Every pending entry: (its path, {"name", "pid", "host", "at"}); unreadable ones named ``""``."""
    directory = _pending_dir()
    entries = []
    for path in sorted(directory.glob("*.json")) if directory.is_dir() else ():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # cut short by a crash while it was written: no file followed
            data = {"name": "", "pid": 0, "host": "", "at": path.stat().st_mtime}
        entries.append((path, data))
    return entries


def pending_forget(names: Iterable[str]) -> None:
    """Drop the pending entries of ``names`` (orphans just moved to the trash)."""
    names = set(names)
    for entry, data in pending_writes():
        if data.get("name") in names:
            _pending_end(entry)


def writer_gone(data: dict, *, grace_seconds: float) -> bool:
    """Whether the process that wrote a pending entry can no longer commit it: it is dead (same
    host), or the entry is older than any request or task may last."""
    if int(data.get("pid") or 0) <= 0 or time.time() - float(data.get("at") or 0) > grace_seconds:
        return True
    if data.get("host") != socket.gethostname():
        return False
    try:
        os.kill(int(data.get("pid") or 0), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, ValueError, OverflowError):
        return False
    return False


class CheckedFileSystemStorage(FileSystemStorage):
    def _save(self, name: str, content: File) -> str:
        from .models import StoredFile

        sha256, size = file_digest(content)
        entry = None
        try:
            entry = _pending_begin(name)
            saved = super()._save(name, content)  # type: ignore[misc]  # not in django-stubs
        except OSError as exc:
            if entry is not None:
                _pending_end(entry)
            if exc.errno in STORAGE_ERRNOS:
                logger.error("file storage unavailable (%s) writing %s", exc, name)
                raise StorageUnavailable() from exc
            raise
        if saved != name:  # the name was taken meanwhile: the entry names the file really written
            _pending_write(entry, saved)
        StoredFile.objects.update_or_create(name=saved, defaults={"sha256": sha256, "size": size})
        if getattr(_local, "written", None) is not None:
            _local.written[saved] = entry  # settled at the end of the request or task
        else:  # a command or shell: settled with the transaction (a rollback leaves it to check_files)
            transaction.on_commit(lambda: _pending_end(entry))
        return saved

    def delete(self, name: str) -> None:
        # a rolled-back replacement must keep the old file: delete only once the change is committed
        transaction.on_commit(lambda: self._delete_now(name))

    def _delete_now(self, name: str, *, trash: bool = True) -> None:
        from .models import StoredFile

        if not trash:  # a file no committed row ever referred to: nothing to keep
            super().delete(name)
            StoredFile.objects.filter(name=name).delete()
            return
        source = Path(self.path(name))
        trashed = Path(self.path(f"{TRASH}/{name}"))
        try:
            trashed.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, trashed)
            os.utime(trashed)  # kept TRASH_KEEP from now
        except FileNotFoundError:
            pass
        StoredFile.objects.filter(name=name).delete()

    def purge_trash(self, *, older_than: dt.timedelta = TRASH_KEEP) -> int:
        root = Path(self.path(TRASH))
        cutoff = time.time() - older_than.total_seconds()
        purged = 0
        for path in root.rglob("*") if root.is_dir() else ():
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                purged += 1
        return purged


def discard_unreferenced(**kwargs: Any) -> list[str]:
    """End of a request or task: remove files it wrote that no committed row refers to."""
    from .filecheck import referenced_names

    entries = dict(getattr(_local, "written", None) or {})
    _local.written = None
    if not entries:
        return []
    written = set(entries)
    connection = transaction.get_connection()
    if connection.in_atomic_block:  # a test's wrapping transaction: nothing is committed yet
        for entry in entries.values():
            transaction.on_commit(functools.partial(_pending_end, entry))
        return []
    try:
        connection.close_if_unusable_or_obsolete()  # the request may have ended with the connection lost
        kept = referenced_names(written)
    except DatabaseError:
        logger.warning("database unavailable; %d file(s) left to check_files", len(written))
        return []
    storage = CheckedFileSystemStorage()
    removed = sorted(written - kept)
    for name in removed:
        logger.warning("removing %s: written by a change that was rolled back", name)
        storage._delete_now(name, trash=False)
    for entry in entries.values():
        _pending_end(entry)
    return removed
