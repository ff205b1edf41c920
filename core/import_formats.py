"""django-import-export's xlsx import read through the platform's bounded reader (core.uploads).

Its own XLSX format opens an upload with openpyxl and reads every row: the admin's imports would be
the one xlsx reader without a row limit.
"""

import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from import_export.formats import base_formats

from .uploads import SheetLimits, open_workbook, sheet_rows

ADMIN_IMPORT_LIMITS = SheetLimits(rows=20_000, columns=30)


class XLSX(base_formats.XLSX):
    def create_dataset(self, in_stream: bytes) -> tablib.Dataset:
        workbook = open_workbook(
            SimpleUploadedFile("import.xlsx", bytes(in_stream)), limits=ADMIN_IMPORT_LIMITS
        )
        rows = sheet_rows(workbook.worksheets[0])
        dataset = tablib.Dataset()
        header = next(rows, ())
        width = max((i for i, value in enumerate(header, start=1) if value not in (None, "")), default=0)
        dataset.headers = list(header[:width])
        for values in rows:
            if any(v not in (None, "") for v in values):
                dataset.append(list(values[:width]))
        return dataset
