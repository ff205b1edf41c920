"""A real workbook with one sheet swollen to many rows, its <dimension> removed: small enough for the
upload limit and the zip-bomb checks, as in issue 12 (540,000 rows in 4.75 MB)."""

import io
import re
import zipfile

from openpyxl import load_workbook


def swell(data: bytes, *, sheet: str | None = None, rows: int = 540_000) -> bytes:
    """``data`` with ``sheet`` (default: the first) followed by ``rows`` rows of varied numbers."""
    names = load_workbook(io.BytesIO(data), read_only=True).sheetnames
    part = f"xl/worksheets/sheet{names.index(sheet) + 1 if sheet else 1}.xml"
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == part:
                body = re.sub(rb"<dimension [^>]*/>", b"", body)
                head, tail = body.split(b"</sheetData>", 1)
                start = int(re.findall(rb'<row r="(\d+)"', head)[-1]) + 1 if b"<row " in head else 1
                seed, lines = 12345, []
                for n in range(start, start + rows):
                    seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
                    lines.append(f'<row r="{n}"><c r="A{n}"><v>{seed % 99991}</v></c></row>')
                body = head + "".join(lines).encode() + b"</sheetData>" + tail
            dst.writestr(info, body)
    return out.getvalue()
