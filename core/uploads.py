"""Checks for every uploaded file: size, real content type, and safe opening of xlsx.

Browsers and users lie about file names and content types, so files are identified by their
first bytes. xlsx files are zip archives: their declared uncompressed size is checked before
openpyxl touches them (zip bombs), and openpyxl parses XML through defusedxml (XXE).
"""

import io
import zipfile

import defusedxml  # noqa: F401  (openpyxl switches to defused parsing when this is importable)
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "xlsx": (b"PK\x03\x04",),
}
LABELS = {"pdf": "PDF", "png": "PNG", "jpg": "JPG", "xlsx": "Excel（.xlsx）", "docx": "Word（.docx）"}
EXTENSIONS = {
    "pdf": (".pdf",),
    "png": (".png",),
    "jpg": (".jpg", ".jpeg"),
    "xlsx": (".xlsx",),
    "docx": (".docx",),
}
ATTACHMENT_KINDS = ("pdf", "jpg", "png")


def _head(uploaded, n: int = 16) -> bytes:
    uploaded.seek(0)
    head = uploaded.read(n)
    uploaded.seek(0)
    return head


def detect_kind(uploaded) -> str | None:
    head = _head(uploaded)
    for kind, sigs in SIGNATURES.items():
        if any(head.startswith(sig) for sig in sigs):
            return kind
    return None


def validate_upload(uploaded, *, kinds=ATTACHMENT_KINDS, max_bytes: int | None = None) -> str:
    """Validate one uploaded file; returns its detected kind or raises ValidationError (Chinese)."""
    max_bytes = max_bytes or settings.MAX_ATTACHMENT_BYTES
    allowed = "、".join(LABELS[k] for k in kinds)
    if uploaded is None or uploaded.size == 0:
        raise ValidationError("上传的文件是空的。", code="empty")
    if uploaded.size > max_bytes:
        raise ValidationError(
            f"文件“{uploaded.name}”大小为 {filesizeformat(uploaded.size)}，超过上限 {filesizeformat(max_bytes)}。",
            code="too_large",
        )
    name = (uploaded.name or "").lower()
    kind = detect_kind(uploaded)
    if kind == "xlsx" and "docx" in kinds and name.endswith(".docx"):
        kind = "docx"  # both are zip archives: the archive's contents are checked below
    if kind not in kinds:
        raise ValidationError(
            f"文件“{uploaded.name}”的内容不是允许的格式（仅限 {allowed}），请检查后重新上传。",
            code="bad_type",
        )
    if not name.endswith(EXTENSIONS[kind]):
        raise ValidationError(
            f"文件“{uploaded.name}”的扩展名与其实际内容（{LABELS[kind]}）不符。", code="bad_extension"
        )
    if kind == "xlsx":
        check_xlsx_archive(uploaded)
    if kind == "docx":
        check_docx_archive(uploaded)
    return kind


def check_docx_archive(uploaded) -> None:
    """Refuse a .docx that is not a Word document or would expand beyond the configured limit."""
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            infos = archive.infolist()
            if len(infos) > 10000 or sum(i.file_size for i in infos) > settings.MAX_XLSX_UNCOMPRESSED_BYTES:
                raise ValidationError(
                    "该 Word 文件解压后体积异常（疑似压缩炸弹），已拒绝处理。", code="zip_bomb"
                )
            if "word/document.xml" not in {i.filename for i in infos}:
                raise ValidationError("该文件不是有效的 Word（.docx）文档。", code="not_docx")
    except zipfile.BadZipFile as exc:
        raise ValidationError("该文件不是有效的 Word（.docx）文档。", code="not_docx") from exc
    finally:
        uploaded.seek(0)


def check_xlsx_archive(uploaded) -> None:
    """Refuse archives that are not xlsx or that would expand beyond the configured limit."""
    limit = settings.MAX_XLSX_UNCOMPRESSED_BYTES
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
            total = sum(i.file_size for i in infos)
            if len(infos) > 10000 or total > limit:
                raise ValidationError(
                    "该 Excel 文件解压后体积异常（疑似压缩炸弹），已拒绝处理。", code="zip_bomb"
                )
            if any(
                i.compress_size and i.file_size / i.compress_size > 200
                for i in infos
                if i.file_size > 1_000_000
            ):
                raise ValidationError(
                    "该 Excel 文件的压缩比异常（疑似压缩炸弹），已拒绝处理。", code="zip_bomb"
                )
            if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
                raise ValidationError("该文件不是有效的 Excel（.xlsx）工作簿。", code="not_xlsx")
    except zipfile.BadZipFile as exc:
        raise ValidationError("该文件不是有效的 Excel（.xlsx）工作簿。", code="not_xlsx") from exc
    finally:
        uploaded.seek(0)


def open_workbook(uploaded, *, read_only: bool = True):
    """Open an uploaded xlsx safely (after ``validate_upload``), values only, no formulas evaluated."""
    from openpyxl import load_workbook

    check_xlsx_archive(uploaded)
    uploaded.seek(0)
    data = uploaded.read()
    try:
        return load_workbook(io.BytesIO(data), read_only=read_only, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValidationError("无法读取该 Excel 文件，文件可能已损坏。", code="bad_xlsx") from exc


def iter_rows(worksheet, **kwargs):
    """``worksheet.iter_rows`` for an uploaded file: a sheet that is damaged further in (read-only
    workbooks parse lazily, row by row) becomes a Chinese ValidationError instead of a server error."""
    try:
        yield from worksheet.iter_rows(**kwargs)
    except ValidationError:
        raise
    except Exception as exc:
        raise ValidationError("无法读取该 Excel 文件，文件可能已损坏。", code="bad_xlsx") from exc


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_formula_text(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _is_number(value)


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def escape_cell(value):
    """Escape text that a spreadsheet would run as a formula (=, +, -, @)."""
    if is_formula_text(value):
        return "'" + value
    return value
