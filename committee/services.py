"""Writes to the committee roster (附件1) and the member units' contact lists."""

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import User
from accounts.permissions import is_office
from core.dates import cn_date
from core.errors import ServiceError
from core.history import delete_with_history, save_with_history
from core.imports import Importer, Parsed
from core.imports import error as row_error
from core.models import ImportBatch

from .models import Appointment, MemberUnit, Role, Seat, UnitContact
from .roster_io import RawRow, read_roster_workbook, roster_import_plan

ONE_DAY = dt.timedelta(days=1)


def _check_no_overlap(
    appointments: list[Appointment], *, start_date: dt.date, ignore: Appointment | None = None
) -> None:
    for other in appointments:
        if other is ignore:
            continue
        if other.end_date is None or other.end_date >= start_date:
            end = other.end_date.isoformat() if other.end_date else "至今"
            raise ServiceError(
                f"任期重叠：该席位已有 {other.person_name or '（未载明）'} 的任期"
                f"（{cn_date(other.start_date)} 至 {end}），新任期须在其后开始。",
                code="overlap",
            )


@transaction.atomic
def appointment_replace(
    *, seat: Seat, person_name: str, start_date: dt.date, by: User | None = None, note: str = ""
) -> Appointment:
    """人事变动: end the current holder's term the day before ``start_date`` and open the new one.

    Refuses a new term that would overlap any term already recorded for the seat.
    """
    person_name = (person_name or "").strip()
    if not person_name:
        raise ServiceError("请填写新任人员姓名。", code="required")
    # race: two office users replacing the same holder at once; lock the seat's terms first
    terms = list(Appointment.objects.select_for_update().filter(seat=seat).order_by("start_date"))
    current = next((a for a in terms if a.end_date is None), None)
    if current is not None:
        if current.person_name == person_name:
            raise ServiceError(f"{person_name} 已是该席位的现任人员，无需变更。", code="same_person")
        if start_date <= current.start_date:
            raise ServiceError(
                f"任期重叠：新任职起始日须晚于现任 {current.person_name or '（未载明）'} 的任职起始日"
                f"（{cn_date(current.start_date)}）。",
                code="overlap",
            )
    _check_no_overlap(terms, start_date=start_date, ignore=current)
    if current is not None:
        current.end_date = start_date - ONE_DAY
        save_with_history(current, by)
    new = Appointment(seat=seat, person_name=person_name, start_date=start_date, note=note.strip())
    try:
        with transaction.atomic():
            save_with_history(new, by)
    except IntegrityError as exc:  # committee_appointment_one_current_per_seat, if a race slipped through
        raise ServiceError("该席位已有现任人员，请刷新后重试。", code="conflict") from exc
    return new


@transaction.atomic
def seat_create(
    *,
    role: "Role | str",
    unit: MemberUnit,
    title: str,
    order: int,
    person_name: str,
    start_date: dt.date,
    by: User | None = None,
) -> Seat:
    """A new position on the committee with its first holder."""
    title = title.strip()
    if not title:
        raise ServiceError("请填写职务名称。", code="required")
    found = role if isinstance(role, Role) else Role.objects.filter(pk=role).first()
    if found is None:
        raise ServiceError("请选择委员会职务。", code="required")
    if Seat.objects.filter(role=found, unit=unit, title=title).exists():
        raise ServiceError(
            f"席位“{found.name} {unit.name}{title}”已存在，更换人员请使用“人事变动”。",
            code="duplicate",
        )
    seat = Seat(role=found, unit=unit, title=title, order=order)
    save_with_history(seat, by)
    save_with_history(Appointment(seat=seat, person_name=person_name.strip(), start_date=start_date), by)
    return seat


@transaction.atomic
def seat_retire(*, seat: Seat, end_date: dt.date, by: User | None = None) -> Seat:
    """The position is abolished: its current term ends on ``end_date`` and it leaves the roster."""
    current = Appointment.objects.select_for_update().filter(seat=seat, end_date__isnull=True).first()
    if current is not None:
        if end_date < current.start_date:
            raise ServiceError(
                f"撤销日期不能早于现任人员的任职起始日（{cn_date(current.start_date)}）。",
                code="before_start",
            )
        current.end_date = end_date
        save_with_history(current, by)
    seat.active = False
    save_with_history(seat, by)
    return seat


def seat_reorder(*, seat: Seat, order: int, by: User | None = None) -> Seat:
    if seat.order != order:
        seat.order = order
        save_with_history(seat, by)
    return seat


@transaction.atomic
def unit_contact_save(
    *, unit: MemberUnit, data: dict[str, Any], contact: UnitContact | None = None, by: User | None = None
) -> UnitContact:
    """Create or update a contact person; at most one is the unit's primary contact."""
    contact = contact or UnitContact(unit=unit)
    if contact.unit_id != unit.pk:
        raise ServiceError("联系人不属于该单位。", code="wrong_unit")
    for field, value in data.items():
        setattr(contact, field, value)
    if contact.is_primary:
        # committee_unitcontact_one_primary_per_unit: demote the previous primary contact first
        for other in UnitContact.objects.select_for_update().filter(unit=unit, is_primary=True):
            if other.pk != contact.pk:
                other.is_primary = False
                save_with_history(other, by)
    save_with_history(contact, by)
    return contact


def unit_contact_delete(*, contact: UnitContact, by: User | None = None) -> None:
    delete_with_history(contact, by)


@transaction.atomic
def roster_import_apply(*, raw_rows: list[RawRow], by: User | None = None) -> dict[str, int]:
    """Apply a previewed import in one transaction; any problem refuses the whole file."""
    planned = roster_import_plan(raw_rows)
    problems = [f"第 {r.line} 行：{'；'.join(r.errors)}" for r in planned if r.errors]
    if problems:
        raise ServiceError(problems, code="invalid_rows")
    counts = {"new_seat": 0, "replace": 0, "reorder": 0, "unchanged": 0}
    for row in planned:
        if row.action == "new_seat":
            assert row.unit is not None and row.start_date is not None  # else an error above
            seat_create(
                role=row.role,
                unit=row.unit,
                title=row.title,
                order=row.order or 0,
                person_name=row.person,
                start_date=row.start_date,
                by=by,
            )
        elif row.action == "replace":
            assert row.seat is not None and row.start_date is not None  # else an error above
            appointment_replace(
                seat=row.seat, person_name=row.person, start_date=row.start_date, by=by, note="Excel 导入"
            )
        if row.action in ("replace", "reorder") and row.seat is not None and row.order is not None:
            seat_reorder(seat=row.seat, order=row.order, by=by)
        counts[row.action] += 1
    return counts


class RosterImporter(Importer):
    """The roster edited in Excel and imported back, on the one import pipeline. Never deletes."""

    kind = "committee.roster"
    label = "委员会名单"
    rows_template = "committee/_import_rows_roster.html"
    confirm_note = "确认后才按下表更新委员会名单；文件中未列出的席位保持不变。"

    def read(self, uploaded: UploadedFile, *, params: dict[str, Any], by: User) -> Parsed:
        raw_rows = read_roster_workbook(uploaded)
        planned = roster_import_plan(raw_rows)
        rows = [
            {
                "raw": raw,
                "line": r.line,
                "role_label": r.role_label,
                "unit_name": r.unit_name,
                "title": r.title,
                "person": r.person,
                "start_text": r.start_text,
                "current_person": r.current_person,
                "action": r.action,
                "action_label": r.action_label,
            }
            for raw, r in zip(raw_rows, planned, strict=True)
        ]
        errors = [row_error("；".join(r.errors), row=r.line) for r in planned if r.errors]
        return Parsed(rows=rows, errors=errors)

    def apply(self, batch: ImportBatch, *, by: User) -> tuple[str, dict[str, int]]:
        counts = roster_import_apply(raw_rows=[row["raw"] for row in batch.rows], by=by)
        message = (
            f"导入完成：新增席位 {counts['new_seat']} 个，人事变动 {counts['replace']} 项，"
            f"调整排序 {counts['reorder']} 项，未变 {counts['unchanged']} 项。"
        )
        return message, counts

    def may_use(self, user: User) -> bool:
        return is_office(user)

    def upload_url(self, batch: ImportBatch) -> str:
        return reverse("committee:roster_import")

    def done_url(self, batch: ImportBatch) -> str:

        return reverse("committee:roster")
