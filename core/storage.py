"""The storage of every uploaded and generated file: checksummed, and never left behind by a rollback.

- Each file written gets a ``StoredFile`` row (SHA-256 and size), in the caller's transaction.
- A full or read-only disk raises ``StorageUnavailable``, a ValidationError with a Chinese message: the
  views that catch service errors show it on the form, which keeps what the user typed.
- Deleting a file inside a transaction waits for the commit: a rolled-back replacement keeps the old file.
  A deleted file is moved to ``MEDIA_ROOT/.trash/`` and purged after ``TRASH_KEEP`` (nightly file
  check): a backup whose database snapshot still refers to it can archive it from there.
- A file written while handling one request (or one Celery task) that no row refers to at its end —
  the transaction that referred to it was rolled back — is removed then (``discard_unreferenced``).
"""

import datetime as dt
import errno
import hashlib
import logging
import os
import threading
import time
from pathlib import Path

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
TRASH_KEEP = dt.timedelta(days=2)

_local = threading.local()


class StorageUnavailable(ServiceError):
    default_code = "storage_unavailable"

    def __init__(self):
        super().__init__(STORAGE_MESSAGE)


def file_digest(handle) -> tuple[str, int]:
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


def begin_unit_of_work(**kwargs) -> None:
    _local.written = set()


def written_in_unit_of_work() -> set[str]:
    return getattr(_local, "written", None) or set()


class CheckedFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        from .models import StoredFile

        sha256, size = file_digest(content)
        try:
            name = super()._save(name, content)
        except OSError as exc:
            if exc.errno in STORAGE_ERRNOS:
                logger.error("file storage unavailable (%s) writing %s", exc, name)
                raise StorageUnavailable() from exc
            raise
        StoredFile.objects.update_or_create(name=name, defaults={"sha256": sha256, "size": size})
        if getattr(_local, "written", None) is not None:
            _local.written.add(name)
        return name

    def delete(self, name):
        # a rolled-back replacement must keep the old file: delete only once the change is committed
        transaction.on_commit(lambda: self._delete_now(name))

    def _delete_now(self, name, *, trash: bool = True):
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


def discard_unreferenced(**kwargs) -> list[str]:
    """End of a request or task: remove files it wrote that no committed row refers to."""
    from .filecheck import referenced_names

    written = written_in_unit_of_work()
    _local.written = None
    if not written:
        return []
    connection = transaction.get_connection()
    if connection.in_atomic_block:  # a test's wrapping transaction: nothing is committed yet
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
    return removed
