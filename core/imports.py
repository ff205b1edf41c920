"""One pipeline for every spreadsheet import: upload → check every row → preview → confirm → applied.

An app describes one import with an ``Importer`` (how to read and check the file, how to apply the
checked rows) and registers it in its ``AppConfig.ready`` with ``register``. Every import then runs
the same way and is stored the same way (``core.models.ImportBatch``):

- ``import_preview`` reads the upload (the importer's ``read`` opens it with ``core.uploads.
  open_workbook`` and reads cells with ``core.cells``) and checks every row. A file refused as a whole
  raises ``ImportRefused``; rows with errors come back in ``Preview.errors`` and nothing is stored.
  When every row passed, a batch is stored with the original file, the parsed rows and the uploader.
- The person looks at the batch on the preview page (``core.import_views``) and confirms or discards it.
- ``import_confirm`` applies a batch once: the batch row is locked and the importer's ``apply`` runs
  in the same transaction; the batch becomes 已导入 with its result text. A second confirm (double
  click, reload, two tabs) gets the first one's result (``Outcome.repeated``) and changes nothing.

Every refusal of the pipeline is an ``ImportRefused`` (a ValidationError with a Chinese message and
a code); a full or read-only disk while storing the file is ``core.storage.StorageUnavailable``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from .dates import table_date
from .errors import ServiceError
from .models import ImportBatch

NO_ROWS = "文件中没有数据行。"
NOTHING_PENDING = "没有待确认的导入，请重新上传文件。"
DISCARDED = "该导入已处理（已放弃），不能再确认；如需导入请重新上传文件。"
DISCARD_DONE = "已放弃本次导入，数据未作任何修改。"


class ImportRefused(ServiceError):
    """The whole file, or its confirmation, is refused; the Chinese message says why. Nothing stored."""

    default_code = "import_refused"


def error(message: str, *, sheet: str = "", row: int | None = None) -> dict:
    """One row error as the pipeline stores and shows it."""
    return {"sheet": sheet, "row": row, "message": message}


@dataclass
class Parsed:
    """What an importer's ``read`` found: every row (JSON-able dicts) and every row's errors."""

    rows: list[dict]
    errors: list[dict] = field(default_factory=list)  # error(...) entries
    summary: str = ""  # shown with the batch: what it imports into, its source


@dataclass
class Preview:
    rows: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    batch: ImportBatch | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and self.batch is not None


@dataclass
class Outcome:
    batch: ImportBatch
    message: str
    value: Any = None  # what the importer's apply returned (a count, the changed object)
    repeated: bool = False  # a second confirm: nothing was done, ``message`` is the first result


class Importer:
    """One spreadsheet import. Subclass, set the class attributes, implement ``read`` and ``apply``."""

    kind: ClassVar[str]  # "<app>.<name>", stored on the batch
    label: ClassVar[str]  # what is imported, for page titles: "统计数据"
    rows_template: ClassVar[str]  # the preview table (a partial given ``batch`` and ``rows``)
    confirm_note: ClassVar[str] = "确认后才会写入。"
    preview_rows: ClassVar[int] = 500

    def read(self, uploaded: UploadedFile, *, params: dict, by: Any) -> Parsed:
        """Read and check every row; raise ``ImportRefused``/ValidationError to refuse the whole file."""
        raise NotImplementedError

    def apply(self, batch: ImportBatch, *, by: Any) -> tuple[str, Any]:
        """Write a confirmed batch (inside the pipeline's transaction); returns (result text, value).
        A ValidationError refuses the confirmation and changes nothing."""
        raise NotImplementedError

    # --- the pages (core.import_views) ---

    def may_use(self, user: Any) -> bool:
        """Whether ``user``'s role may preview and confirm batches of this kind (their own only)."""
        # the office's role, read from the user (core knows no feature app, accounts included)
        return bool(getattr(user, "is_office", False))

    def check_confirm(self, batch: ImportBatch, user: Any) -> None:
        """Refuse a confirmation the state of things no longer allows (raise ``ImportRefused``)."""

    def upload_url(self, batch: ImportBatch) -> str:
        raise NotImplementedError

    def done_url(self, batch: ImportBatch) -> str:
        return self.upload_url(batch)


_importers: dict[str, Importer] = {}


def register(importer: Importer) -> None:
    if importer.kind in _importers and type(_importers[importer.kind]) is not type(importer):
        raise ValueError(f"import kind {importer.kind!r} registered twice")
    _importers[importer.kind] = importer


def importer_for(kind: str) -> Importer:
    return _importers[kind]  # an unregistered kind is a programming error: fail loudly


def import_preview(*, kind: str, uploaded: UploadedFile, by: Any, params: dict | None = None) -> Preview:
    """Check every row of ``uploaded``; store a batch only when all of them passed."""
    importer = importer_for(kind)
    params = dict(params or {})
    try:
        parsed = importer.read(uploaded, params=params, by=by)
    except ImportRefused:
        raise
    except ValidationError as exc:
        raise ImportRefused(exc.messages, code=getattr(exc, "code", None) or "import_refused") from None
    preview = Preview(rows=parsed.rows, errors=list(parsed.errors))
    if preview.errors:
        return preview
    if not parsed.rows:
        raise ImportRefused(NO_ROWS, code="empty")
    preview.batch = _store(uploaded, kind=kind, by=by, params=params, parsed=parsed)
    return preview


def _store(uploaded: UploadedFile, *, kind: str, by: Any, params: dict, parsed: Parsed) -> ImportBatch:
    batch = ImportBatch(
        kind=kind,
        original_name=(uploaded.name or "upload.xlsx")[:200],
        summary=parsed.summary[:300],
        params=params,
        rows=parsed.rows,
        row_count=len(parsed.rows),
        uploaded_by=by,
    )
    uploaded.seek(0)
    with transaction.atomic():
        # a full or read-only disk raises core.storage.StorageUnavailable here: no row is written
        batch.file.save("upload.xlsx", ContentFile(uploaded.read()), save=False)
        batch.save()
    return batch


def import_confirm(*, batch: ImportBatch, by: Any) -> Outcome:
    """Apply a previewed batch once; a batch already applied gives the first result again."""
    importer = importer_for(batch.kind)
    with transaction.atomic():
        # race: the same preview confirmed twice (double click, two tabs) or confirmed while being
        # discarded; the row lock makes the second caller wait and then see the first one's result
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == ImportBatch.Status.APPLIED:
            return Outcome(batch=batch, message=batch.result, repeated=True)
        if batch.status != ImportBatch.Status.PREVIEW:
            raise ImportRefused(DISCARDED, code="discarded")
        importer.check_confirm(batch, by)
        message, value = importer.apply(batch, by=by)
        batch.status = ImportBatch.Status.APPLIED
        batch.applied_at = timezone.now()
        batch.applied_by = by
        batch.result = message[:500]
        batch.save(update_fields=["status", "applied_at", "applied_by", "result"])
    return Outcome(batch=batch, message=message, value=value)


def import_discard(*, batch: ImportBatch, by: Any) -> bool:
    """Drop a previewed batch; False if it was already applied or discarded."""
    # race: discard and confirm of the same preview; the conditional UPDATE lets only one of them act
    return bool(
        ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEW).update(
            status=ImportBatch.Status.DISCARDED
        )
    )


def latest_batch(*, kind: str, by: Any) -> ImportBatch | None:
    """The person's latest batch of ``kind`` not discarded (for a confirm button without its id)."""
    return (
        ImportBatch.objects.filter(kind=kind, uploaded_by=by)
        .exclude(status=ImportBatch.Status.DISCARDED)
        .first()
    )


def repeat_message(batch: ImportBatch) -> str:
    when = table_date(batch.applied_at) if batch.applied_at else ""
    return f"{batch.result}（该文件已于 {when} 导入，未重复导入）"
