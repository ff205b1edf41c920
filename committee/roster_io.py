"""The roster as a spreadsheet and as a document: export, and import with a preview.

Export and import use the same columns, so the office can export the roster, edit it in Excel and
import it back. Import never deletes: a seat missing from the file is left as it is.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from docx.document import Document as DocxDocument

from core.cells import cell_text
from core.dates import cn_date
from core.documents import add_paragraph, new_document
from core.errors import ServiceError
from core.policy import policy_document
from core.uploads import SheetLimits, is_formula_text, open_workbook, sheet_rows

from .models import Appointment, MemberUnit, Role, Seat
from .selectors import RosterEntry, unit_lookup

COLUMNS = ["排序", "职务", "单位", "职务名称", "姓名", "任职起始日"]
REQUIRED_COLUMNS = ["职务", "单位", "职务名称", "姓名"]
MAX_ROWS = 500
LIMITS = SheetLimits(rows=MAX_ROWS, columns=len(COLUMNS) + 4)
# one row of an uploaded roster: "line" (its row number) and the text of each column, by its header
RawRow = dict[str, Any]


# --- export --------------------------------------------------------------------------------


def roster_sheet(entries: Sequence[RosterEntry]) -> tuple[str, list[str], list[list[object]]]:
    rows: list[list[object]] = [
        [
            e.seat.order,
            e.seat.role.name,
            e.seat.unit.name,
            e.seat.title,
            e.person_name,
            e.start_date.isoformat() if e.start_date else "",
        ]
        for e in entries
    ]
    return ("委员会名单", COLUMNS, rows)


def roster_document(entries: Sequence[RosterEntry], *, on: dt.date) -> DocxDocument:
    """附件1 as printed: 主任, 副主任, 成员 …, then the sentence naming the office's director and deputy."""
    policy = policy_document()
    doc = new_document(title=f"{policy.committee_name}名单")
    office: dict[str, RosterEntry] = {}
    first_member = True
    for e in entries:
        role = e.seat.role
        if role.group == Role.Group.OFFICE:
            office[role.code] = e
            continue
        who = f"{e.person_name or ''} {e.seat.display_title}".strip()
        if role.group == Role.Group.MEMBER:
            prefix = f"{role.name}：" if first_member else "　　　"
            first_member = False
        else:
            prefix = f"{role.name}："
        add_paragraph(doc, prefix + who)
    director, deputy = office.get(Role.OFFICE_DIRECTOR), office.get(Role.OFFICE_DEPUTY)
    sentence = policy.office_text  # 附件1, from the policy data
    if director:
        sentence += (
            f"{director.seat.unit.name}{_member_title(entries, director)}{director.person_name}"
            f"兼任{director.seat.role.name}"
        )
        if deputy:
            sentence += f"，{_member_title(entries, deputy)}{deputy.person_name}兼任{deputy.seat.role.name}"
        sentence += "。"
    add_paragraph(doc, sentence)
    add_paragraph(doc, f"（截至 {cn_date(on)}）", align_right=True)
    return doc


def _member_title(entries: Sequence[RosterEntry], office_entry: RosterEntry) -> str:
    """瞿建民 is 局长 of 市市场监管局: the sentence names the post he holds in his unit."""
    for e in entries:
        if (
            e.seat.role.group == Role.Group.MEMBER
            and e.seat.unit_id == office_entry.seat.unit_id
            and e.person_name == office_entry.person_name
        ):
            return e.seat.title
    return ""


# --- import --------------------------------------------------------------------------------


def read_roster_workbook(uploaded: UploadedFile) -> list[RawRow]:
    """The rows of an uploaded roster (after ``validate_upload``), as plain JSON-able dicts."""
    wb = open_workbook(uploaded, limits=LIMITS)
    ws = wb.worksheets[0]
    rows = sheet_rows(ws)
    header = [cell_text(c) for c in next(rows, ())]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ServiceError(
            f"表头缺少列：{'、'.join(missing)}。请使用“导出 Excel”得到的模板（列：{'、'.join(COLUMNS)}）。",
            code="bad_header",
        )
    index = {name: header.index(name) for name in COLUMNS if name in header}
    out: list[RawRow] = []
    for line, row_values in enumerate(rows, start=2):
        values = list(row_values)
        if not any(v not in (None, "") for v in values):
            continue
        if len(out) >= MAX_ROWS:
            raise ServiceError(f"行数超过上限 {MAX_ROWS} 行。", code="too_many_rows")
        for v in values:
            if is_formula_text(v):
                raise ServiceError(
                    f"第 {line} 行含有公式或以 = + - @ 开头的内容，已拒绝导入。", code="formula"
                )
        row: RawRow = {"line": line}
        for name, idx in index.items():
            row[name] = cell_text(values[idx]) if idx < len(values) else ""
        out.append(row)
    if not out:
        raise ServiceError("文件中没有数据行。", code="empty")
    return out


@dataclass
class PlannedRow:
    line: int
    role_label: str
    unit_name: str
    title: str
    person: str
    start_text: str
    order: int | None = None
    role: str = ""
    unit: MemberUnit | None = None
    start_date: dt.date | None = None
    seat: Seat | None = None
    current: Appointment | None = None
    action: str = ""
    errors: list[str] = field(default_factory=list)

    ACTIONS = {
        "unchanged": "未变",
        "reorder": "调整排序",
        "replace": "人事变动",
        "new_seat": "新增席位",
    }

    @property
    def action_label(self) -> str:
        return self.ACTIONS.get(self.action, "有错误")

    @property
    def current_person(self) -> str:
        return self.current.person_name if self.current else ""


def _parse_date(text: str) -> dt.date:
    text = text.replace("/", "-").replace(".", "-")
    return dt.date.fromisoformat(text[:10])


def roster_import_plan(raw_rows: list[RawRow], *, today: dt.date | None = None) -> list[PlannedRow]:
    """What importing these rows would do, row by row, with every problem named."""
    today = today or timezone.localdate()
    units = unit_lookup()
    seats = {(s.role_id, s.unit_id, s.title): s for s in Seat.objects.all()}
    roles = {r.name: r.code for r in Role.objects.all()}
    current = {a.seat_id: a for a in Appointment.objects.filter(end_date__isnull=True)}
    seen: dict[tuple[str, int, str], int] = {}
    planned = []
    for raw in raw_rows:
        row = PlannedRow(
            line=raw["line"],
            role_label=raw.get("职务", ""),
            unit_name=raw.get("单位", ""),
            title=raw.get("职务名称", ""),
            person=raw.get("姓名", "").replace(" ", "").replace("\u3000", ""),
            start_text=raw.get("任职起始日", ""),
        )
        planned.append(row)
        row.role = roles.get(row.role_label, "")
        if not row.role:
            row.errors.append(f"职务“{row.role_label}”无法识别（可填：{'、'.join(roles)}）")
        row.unit = units.get(row.unit_name)
        if row.unit is None:
            row.errors.append(f"单位“{row.unit_name}”不在成员单位名单中")
        if not row.title:
            row.errors.append("职务名称为空")
        order_text = raw.get("排序", "")
        if order_text:
            try:
                row.order = int(order_text)
            except ValueError:
                row.errors.append(f"排序“{order_text}”不是整数")
        if row.start_text:
            try:
                row.start_date = _parse_date(row.start_text)
            except ValueError:
                row.errors.append(f"任职起始日“{row.start_text}”不是有效日期（格式 2025-01-31）")
        if row.errors or row.unit is None:  # no unit is an error
            continue
        key = (row.role, row.unit.pk, row.title)

        if key in seen:
            row.errors.append(f"与第 {seen[key]} 行是同一席位")
            continue
        seen[key] = row.line
        row.seat = seats.get(key)
        row.current = current.get(row.seat.pk) if row.seat else None
        _decide(row, today)
    return planned


def _decide(row: PlannedRow, today: dt.date) -> None:
    if row.seat is not None and not row.seat.active:
        row.errors.append("该席位已撤销，不能通过导入恢复")
        return
    if row.seat is None:
        if row.start_date is None:
            row.errors.append("新增席位须填写任职起始日")
        else:
            row.action = "new_seat"
        return
    if row.person == row.current_person:
        order_changed = row.order is not None and row.order != row.seat.order
        row.action = "reorder" if order_changed else "unchanged"
        return
    if not row.person:
        row.errors.append("姓名为空：撤销席位请在名单页操作")
        return
    if row.start_date is None:
        row.errors.append("人事变动须填写新任人员的任职起始日")
        return
    if row.current is not None and row.start_date <= row.current.start_date:
        row.errors.append(
            f"任期重叠：任职起始日须晚于现任 {row.current.person_name or '（未载明）'} 的任职起始日"
            f"（{cn_date(row.current.start_date)}）"
        )
        return
    row.action = "replace"
