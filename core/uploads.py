"""Checks for every uploaded file: size, real content type, and safe opening of xlsx.

Browsers and users lie about file names and content types, so files are identified by their
first bytes. xlsx files are zip archives: their declared uncompressed size is checked before
openpyxl touches them (zip bombs), and openpyxl parses XML through defusedxml (XXE).
"""

import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from xml.parsers import expat

import defusedxml  # noqa: F401  (openpyxl switches to defused parsing when this is importable)
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.template.defaultfilters import filesizeformat

from .errors import ServiceError
from .text import CONTROL_MESSAGE, has_control_characters, xml_safe

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

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


def _head(uploaded: File, n: int = 16) -> bytes:
    uploaded.seek(0)
    head = uploaded.read(n)
    uploaded.seek(0)
    return head


def detect_kind(uploaded: File) -> str | None:
    head = _head(uploaded)
    for kind, sigs in SIGNATURES.items():
        if any(head.startswith(sig) for sig in sigs):
            return kind
    return None


def validate_upload(
    uploaded: File | None, *, kinds: Sequence[str] = ATTACHMENT_KINDS, max_bytes: int | None = None
) -> str:
    """Validate one uploaded file; returns its detected kind or raises ServiceError (Chinese)."""
    max_bytes = max_bytes or settings.MAX_ATTACHMENT_BYTES
    allowed = "、".join(LABELS[k] for k in kinds)
    if uploaded is None or uploaded.size == 0:
        raise ServiceError("上传的文件是空的。", code="empty")
    if uploaded.size > max_bytes:
        raise ServiceError(
            f"文件“{uploaded.name}”大小为 {filesizeformat(uploaded.size)}，超过上限 {filesizeformat(max_bytes)}。",
            code="too_large",
        )
    name = (uploaded.name or "").lower()
    kind = detect_kind(uploaded)
    if kind == "xlsx" and "docx" in kinds and name.endswith(".docx"):
        kind = "docx"  # both are zip archives: the archive's contents are checked below
    if kind is None or kind not in kinds:
        raise ServiceError(
            f"文件“{uploaded.name}”的内容不是允许的格式（仅限 {allowed}），请检查后重新上传。",
            code="bad_type",
        )
    if not name.endswith(EXTENSIONS[kind]):
        raise ServiceError(
            f"文件“{uploaded.name}”的扩展名与其实际内容（{LABELS[kind]}）不符。", code="bad_extension"
        )
    if kind == "xlsx":
        check_xlsx_archive(uploaded)
    if kind == "docx":
        check_docx_archive(uploaded)
    return kind


def check_docx_archive(uploaded: File) -> None:
    """Refuse a .docx that is not a Word document or would expand beyond the configured limit."""
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            infos = archive.infolist()
            if len(infos) > 10000 or sum(i.file_size for i in infos) > settings.MAX_XLSX_UNCOMPRESSED_BYTES:
                raise ServiceError(
                    "该 Word 文件解压后体积异常（疑似压缩炸弹），已拒绝处理。", code="zip_bomb"
                )
            if "word/document.xml" not in {i.filename for i in infos}:
                raise ServiceError("该文件不是有效的 Word（.docx）文档。", code="not_docx")
    except zipfile.BadZipFile as exc:
        raise ServiceError("该文件不是有效的 Word（.docx）文档。", code="not_docx") from exc
    finally:
        uploaded.seek(0)


def check_xlsx_archive(uploaded: File) -> None:
    """Refuse archives that are not xlsx or that would expand beyond the configured limit."""
    limit = settings.MAX_XLSX_UNCOMPRESSED_BYTES
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
            total = sum(i.file_size for i in infos)
            if len(infos) > 10000 or total > limit:
                raise ServiceError(
                    "该 Excel 文件解压后体积异常（疑似压缩炸弹），已拒绝处理。", code="zip_bomb"
                )
            if any(
                i.compress_size and i.file_size / i.compress_size > 200
                for i in infos
                if i.file_size > 1_000_000
            ):
                raise ServiceError("该 Excel 文件的压缩比异常（疑似压缩炸弹），已拒绝处理。", code="zip_bomb")
            if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
                raise ServiceError("该文件不是有效的 Excel（.xlsx）工作簿。", code="not_xlsx")
    except zipfile.BadZipFile as exc:
        raise ServiceError("该文件不是有效的 Excel（.xlsx）工作簿。", code="not_xlsx") from exc
    finally:
        uploaded.seek(0)


@dataclass(frozen=True)
class SheetLimits:
    """What one importer's sheets may hold: data rows (the header row not counted) and columns."""

    rows: int
    columns: int

    @property
    def cells(self) -> int:
        return (self.rows + 1) * self.columns

    @property
    def elements(self) -> int:
        # a cell is <c><v/></c> or <c><is><t/></is></c>; a row, a shared string <si><t/></si>
        return self.cells * 4 + (self.rows + 1) * 2 + 20_000


MAX_XLSX_PART_BYTES = 20 * 1024 * 1024  # one XML part of the archive, uncompressed
_READ_CHUNK = 64 * 1024


def _too_large(limits: SheetLimits) -> ServiceError:
    return ServiceError(
        f"该 Excel 文件的内容超过本导入的上限（最多 {limits.rows} 行数据、{limits.columns} 列），"
        "已拒绝处理。请删除多余的行、列或工作表，或分批导入。",
        code="too_large",
    )


def _scan_part(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: SheetLimits, budget: list[int]
) -> None:
    """Count one XML part's rows, cells and elements while reading it, stopping at the limit.

    openpyxl's read-only mode trusts a sheet's declared <dimension> and otherwise reads every row;
    it also loads the shared strings and styles whole. This pass reads the XML as a stream (expat,
    no tree) before openpyxl does, so what openpyxl is given is bounded whatever the file declares.
    """
    if info.file_size > MAX_XLSX_PART_BYTES:
        raise _too_large(limits)
    parser = expat.ParserCreate(namespace_separator=" ")
    rows = cells = 0

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal rows, cells
        budget[0] -= 1
        local = name.rsplit(" ", 1)[-1]
        if local == "row":
            rows += 1
            number = attrs.get("r", "")
            # a row numbered far down makes openpyxl yield every empty row before it
            if rows > limits.rows + 1 or (number.isdigit() and int(number) > limits.rows + 1):
                raise _too_large(limits)
        elif local in ("c", "si"):
            cells += 1
            if cells > limits.cells:
                raise _too_large(limits)
        if budget[0] < 0:
            raise _too_large(limits)

    def doctype(*args: object) -> None:
        raise ServiceError("该 Excel 文件含有不允许的 XML 声明（DTD），已拒绝处理。", code="bad_xlsx")

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = doctype
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_READ_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise ServiceError("无法读取该 Excel 文件，文件可能已损坏。", code="bad_xlsx") from exc
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ServiceError("无法读取该 Excel 文件，文件可能已损坏。", code="bad_xlsx") from exc


def check_xlsx_content(uploaded: File, limits: SheetLimits) -> None:
    """Refuse a workbook holding more rows, cells or XML than ``limits`` allow (see ``_scan_part``)."""
    uploaded.seek(0)
    budget = [limits.elements]  # shared by all parts: many sheets add up
    try:
        with zipfile.ZipFile(uploaded) as archive:
            for info in archive.infolist():
                if info.filename.lower().endswith((".xml", ".rels", ".vml")):
                    _scan_part(archive, info, limits, budget)
    except zipfile.BadZipFile as exc:
        raise ServiceError("该文件不是有效的 Excel（.xlsx）工作簿。", code="not_xlsx") from exc
    finally:
        uploaded.seek(0)


def open_workbook(uploaded: File, *, limits: SheetLimits, formulas: bool = False) -> "Workbook":
    """Open an uploaded xlsx (after ``validate_upload``) read-only, within ``limits``.

    The one way every importer opens an upload: the archive and its content are checked first;
    ``formulas=True`` keeps formulas as their text (to refuse them) instead of cached values.
    Read its sheets with ``sheet_rows``.
    """
    from openpyxl import load_workbook

    check_xlsx_archive(uploaded)
    check_xlsx_content(uploaded, limits)
    uploaded.seek(0)
    data = uploaded.read()
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=not formulas)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ServiceError("无法读取该 Excel 文件，文件可能已损坏。", code="bad_xlsx") from exc
    workbook.import_limits = limits
    return workbook


def sheet_rows(
    worksheet: Any,  # an openpyxl worksheet (openpyxl has no type hints)
    *,
    limits: SheetLimits | None = None,
    min_row: int = 1,
    max_row: int | None = None,
) -> Iterator[tuple[Any, ...]]:
    """The rows of an uploaded sheet as value tuples, at most ``limits.columns`` wide.

    Counts rows as it reads (blank ones too) and refuses the sheet past the limit; refuses text
    holding control characters (``core.text``) with its row number. A sheet damaged further in
    (read-only workbooks parse lazily) becomes a Chinese ServiceError, not a server error.
    """
    limits = limits or worksheet.parent.import_limits
    last = limits.rows + 1 if max_row is None else min(max_row, limits.rows + 1)
    number = min_row - 1
    try:
        for values in worksheet.iter_rows(
            min_row=min_row, max_row=last + 1, max_col=limits.columns, values_only=True
        ):
            number += 1
            if number > last:
                if max_row is None:
                    raise _too_large(limits)
                return
            for index, value in enumerate(values, start=1):
                if has_control_characters(value):
                    raise ServiceError(
                        f"工作表“{worksheet.title}”第 {number} 行第 {index} 列：{CONTROL_MESSAGE}",
                        code="control_characters",
                    )
            yield values
    except ValidationError:
        raise
    except Exception as exc:
        raise ServiceError("无法读取该 Excel 文件，文件可能已损坏。", code="bad_xlsx") from exc


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_formula_text(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _is_number(value)


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def escape_cell(value: Any) -> Any:
    """Escape text that a spreadsheet would run as a formula (=, +, -, @); drop what XML cannot hold."""
    value = xml_safe(value)
    if is_formula_text(value):
        return "'" + value
    return value
