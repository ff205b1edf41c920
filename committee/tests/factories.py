"""Committee test helpers: roster rows from the loaded policy, contacts, roster workbooks."""

import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from factory.django import DjangoModelFactory
from openpyxl import Workbook

from committee.models import Seat, UnitContact
from committee.roster_io import COLUMNS


class UnitContactFactory(DjangoModelFactory):
    class Meta:
        model = UnitContact

    name = factory.Sequence(lambda n: f"联络员{n}")
    position = "科长"
    phone = "0716-3300000"
    mobile = "13900000000"


def seat(role: str, unit_name: str, title: str | None = None) -> Seat:
    seats = Seat.objects.filter(role=role, unit__name=unit_name)
    if title:
        seats = seats.filter(title=title)
    return seats.get()


def roster_xlsx(rows, *, header=COLUMNS, name="名单.xlsx") -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(
        name, buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
