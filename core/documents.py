"""Word (.docx) and Excel (.xlsx) output in the usual layout of government documents.

docx follows the common 党政机关公文格式 conventions (GB/T 9704): A4, title in 小标宋 二号,
body in 仿宋 三号, 28-point line spacing. Fonts fall back to what the reader's machine has.
"""

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .dates import cn_date
from .text import xml_safe
from .uploads import escape_cell

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEI_FONT = "黑体"


def _add_run(paragraph: Paragraph, text: str) -> Run:
    # stored text may hold characters XML cannot (python-docx/lxml raise on them): drop them here
    return paragraph.add_run(xml_safe(text))


_STOP_BEFORE_PUNCT = re.compile(r"。+(?=[；，、。：])")
_STOP_AFTER_MARK = re.compile(r"([！？])。")


def tidy(text: str) -> str:
    """No doubled punctuation where texts are joined: "备案。。" → "备案。", "备案。；" → "备案；"."""
    return _STOP_AFTER_MARK.sub(r"\1", _STOP_BEFORE_PUNCT.sub("", text))


def _page_number_footer(section: Section) -> None:
    """— 1 — centred at the foot of every page (a PAGE field, as GB/T 9704 puts the page number)."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(p.add_run("— "), BODY_FONT, 14)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, None), ("end", None)):
        run = p.add_run("1" if kind is None and text is None else "")
        _set_font(run, BODY_FONT, 14)
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._element.append(fld)
        elif text:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._element.append(instr)
    _set_font(p.add_run(" —"), BODY_FONT, 14)


def _set_font(run: Run, name: str, size_pt: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def new_document(
    *, title: str, issuer: str = "", doc_number: str = "", landscape: bool = False
) -> DocxDocument:
    doc = Document()
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _page_number_footer(section)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    if issuer:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_font(_add_run(p, issuer), TITLE_FONT, 26, bold=False)
    if doc_number:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_font(_add_run(p, doc_number), BODY_FONT, 16)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(16)
    _set_font(_add_run(p, title), TITLE_FONT, 22)
    return doc


def add_heading(doc: DocxDocument, text: str, level: int = 1) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(32)
    _set_font(_add_run(p, tidy(text)), HEI_FONT if level == 1 else "楷体_GB2312", 16, bold=level > 1)


def add_paragraph(doc: DocxDocument, text: str, *, indent: bool = True, align_right: bool = False) -> None:
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(32)
    if align_right:
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    p.paragraph_format.line_spacing = Pt(28)
    _set_font(_add_run(p, tidy(text)), BODY_FONT, 16)


def cell_text(value: object) -> str:
    """A table cell of a document: dates in the prose style, numbers without trailing zeros."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return cn_date(value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return tidy(str(value))


def add_table(doc: DocxDocument, headers: list[str], rows: list[list], *, font_size: float = 10.5) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        _set_font(_add_run(cell.paragraphs[0], str(header)), HEI_FONT, font_size, bold=True)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = ""
            _set_font(_add_run(cell.paragraphs[0], cell_text(value)), BODY_FONT, font_size)


def docx_bytes(doc: DocxDocument) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def attachment_response(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def docx_response(doc: DocxDocument, filename: str) -> HttpResponse:
    return attachment_response(docx_bytes(doc), filename=filename, content_type=DOCX_MIME)


class Percent:
    """A percentage for a spreadsheet cell: ``Percent(98.5)`` is written as the number 0.985 shown as 98.5%."""

    __slots__ = ("value",)

    def __init__(self, value: Decimal | float | int | None) -> None:
        self.value = value

    def __str__(self) -> str:
        return "" if self.value is None else f"{self.value}%"


def _typed_cell(cell: Any, value: object) -> None:  # an openpyxl cell (openpyxl has no type hints)
    """Numbers, dates and percentages as real cell types with a number format (issue 19 point 2)."""
    if isinstance(value, Percent):
        if value.value is None:
            cell.value = None
            return
        cell.value = Decimal(str(value.value)) / 100
        cell.number_format = "0.0%"
    elif isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        cell.value = value.replace(tzinfo=None)  # xlsx has no time zones: local (Asia/Shanghai) time
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, bool):
        cell.value = "是" if value else "否"
    elif isinstance(value, int):
        cell.value = value
        cell.number_format = "#,##0"
    elif isinstance(value, Decimal | float):
        cell.value = value
        exponent = value.normalize().as_tuple().exponent if isinstance(value, Decimal) else -2
        places = min(max(-exponent, 0), 4) if isinstance(exponent, int) else 2
        cell.number_format = "#,##0" + ("." + "0" * places if places else "")
    else:
        cell.value = escape_cell(value)


def _width(value: object) -> float:
    if isinstance(value, dt.datetime):
        return 17
    if isinstance(value, dt.date):
        return 11
    return len(str(value if value is not None else "")) * 1.6


def build_workbook(sheets: list[tuple[str, list[str], list[list]]]) -> Workbook:
    """Workbook with one sheet per (title, headers, rows); text that looks like a formula is escaped.

    Numbers (int, Decimal, float), dates, datetimes (written in local time) and ``Percent`` values are
    written as typed cells with a number format, so Excel sorts and sums them; everything else is text.
    """
    wb = Workbook(write_only=False)
    wb.remove(wb.active)
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="B91C1C")
    thin = Side(style="thin", color="D1D5DB")
    for title, headers, rows in sheets:
        ws = wb.create_sheet(title=title[:31])
        ws.append([escape_cell(h) for h in headers])
        for cell in ws[1]:
            cell.font, cell.fill = header_font, header_fill
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        for row_index, row in enumerate(rows, start=2):
            for col_index, value in enumerate(row, start=1):
                _typed_cell(ws.cell(row=row_index, column=col_index), value)
        for idx, header in enumerate(headers, start=1):
            width = max([len(str(header)) * 2] + [_width(r[idx - 1]) for r in rows[:200]])
            ws.column_dimensions[get_column_letter(idx)].width = min(max(width, 8), 60)
        ws.freeze_panes = "A2"
    return wb


def xlsx_bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(sheets: list[tuple[str, list[str], list[list]]], filename: str) -> HttpResponse:
    return attachment_response(xlsx_bytes(build_workbook(sheets)), filename=filename, content_type=XLSX_MIME)
