"""历史补录: joint meetings held before the platform (2022 onwards), entered as held meetings.

A history meeting is entered by form (the meeting, then its agenda items and decisions on the
usual pages, then 完成补录) or by one xlsx file (preview first, then confirm). Its decisions keep
their real deadlines and states (closed on a date, still open, overdue); nobody is notified, and
the refusals of new planning (计划召开日期已过, 办理时限已过) do not apply. The next meeting's
first agenda item (第二条(六)) then reports on them like on any other meeting's decisions.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_office
from committee.models import MemberUnit
from committee.selectors import unit_lookup
from core.cells import cell_date as _date
from core.cells import cell_text as _text
from core.dates import cn_date
from core.errors import ServiceError
from core.history import delete_with_history, save_with_history
from core.imports import Importer, Parsed
from core.imports import error as row_error
from core.models import ImportBatch
from core.policy import first_year
from core.rhythm import MeetingCycle
from core.uploads import SheetLimits, is_formula_text, open_workbook, sheet_rows

from ..models import AgendaItem, BusinessKind, Invitation, Meeting
from ..rules import current_cycle
from ._common import ensure_office, today
from .followups import HistoryState, check_history_state, decision_create, release_meeting_decisions

MAX_IMPORT_ROWS = 1000
# both sheets: the decision sheet is the wider one; a few spare columns for notes the office adds
LIMITS = SheetLimits(rows=MAX_IMPORT_ROWS + 200, columns=20)
Term = tuple[int, int]  # (year, half) of a meeting
RowError = dict[str, Any]  # a core.imports.error entry: sheet, row and the Chinese message
Columns = list[tuple[str, str]]  # (key, header label) of a sheet's columns


def _term_name(half: int, cycle: MeetingCycle | None = None) -> str:
    """上半年 / 下半年 for two meetings a year (as before), else the cycle's 第一次 / 年度 …"""
    cycle = cycle or current_cycle()
    return Meeting.Half(half).label if cycle.per_year == 2 else cycle.term_label(half)


def term_label(year: int, half: int) -> str:
    return f"{year}年{_term_name(half)}"


def _term_labels(cycle: MeetingCycle) -> dict[str, int]:
    """How the spreadsheet names the terms of a year: {"上半年": 1, "下半年": 2} for Jianli."""
    return {_term_name(n, cycle): n for n in range(1, cycle.per_year + 1)}


def _term_range(year: int, half: int) -> tuple[dt.date, dt.date]:
    """The months of the meeting's cycle (Jianli: 1 January–30 June, 1 July–31 December)."""
    cycle = current_cycle()
    return cycle.cycle_start(year, half), cycle.cycle_end(year, half)


def _every(cycle: MeetingCycle) -> str:
    return {6: "半年", 12: "年"}.get(cycle.every_months, f"{cycle.every_months}个月")


def check_history_term(*, year: int, half: int, held_on: dt.date | None) -> list[str]:
    """The rules of a history meeting's term and date; returns the Chinese errors (none: fine)."""
    errors = []
    start = first_year()
    if not 1 <= half <= current_cycle().per_year or not start <= year <= today().year:
        return [f"会议期次应在 {start} 年至今年之间（如“{start + 1}年{_term_name(1)}”）。"]
    label = term_label(year, half)
    if held_on is None:
        errors.append("请填写召开日期。")
    else:
        term_start, term_end = _term_range(year, half)
        if held_on > today():
            errors.append(f"召开日期 {cn_date(held_on)} 晚于今天：历史补录只录入已经召开的会议。")
        elif not term_start <= held_on <= term_end:
            errors.append(
                f"召开日期 {cn_date(held_on)} 不在{label}（{cn_date(term_start)} 至 {cn_date(term_end)}）内。"
            )
    existing = Meeting.objects.filter(year=year, half=half).first()
    if existing is not None and not _replaceable(existing):
        errors.append(f"{existing.title}已在平台中（{existing.get_status_display()}），不能重复录入。")
    return errors


def _replaceable(meeting: Meeting) -> bool:
    """A meeting the scheduler drafted but that never ran on the platform (筹备中, no notice, no
    topics): the history entry takes it over instead of being refused as a duplicate."""
    return (
        meeting.status == Meeting.Status.PREPARING
        and meeting.notice_issued_at is None
        and not meeting.topics.exists()
    )


@transaction.atomic
def meeting_history_create(
    *,
    by: User,
    year: int,
    half: int,
    held_on: dt.date | None,
    place: str,
    attendees: str = "",
    overview: str = "",
    minutes_number: str = "",
    files: Sequence[UploadedFile] = (),
) -> Meeting:
    """A meeting held before the platform, as 已召开 (history): agenda and decisions are added next,
    then ``meeting_history_finalize`` publishes it."""
    ensure_office(by)
    errors = check_history_term(year=year, half=half, held_on=held_on)
    if not place.strip():
        errors.append("请填写会议地点。")
    if errors:
        raise ServiceError(errors, code="bad_history")
    assert held_on is not None  # else an error above
    # race: two history entries for one term; meetings_meeting_one_per_term lets one of them win
    meeting = Meeting.objects.select_for_update().filter(year=year, half=half).first()
    taken_over = meeting is not None
    if meeting is None:
        # the name of a term of another cycle than half years is stored with it (as the scheduler does)
        name = "" if current_cycle().per_year == 2 else _term_name(half)
        meeting = Meeting(year=year, half=half, term_name=name, created_by=by)
    elif not _replaceable(meeting):
        raise ServiceError(f"{meeting.title}已在平台中，不能重复录入。", code="duplicate")
    meeting.status = Meeting.Status.HELD
    meeting.is_history = True
    meeting.planned_date = meeting.topic_deadline = meeting.held_on = held_on
    meeting.place = place.strip()
    meeting.attendees = attendees.strip()
    meeting.minutes_overview = overview.strip()
    meeting.minutes_number = minutes_number.strip()
    save_with_history(meeting, by)
    if taken_over:
        # its generated first item was never discussed: the paper minutes are the record
        for item in meeting.agenda_items.filter(is_generated=True):
            delete_with_history(item, by)
    else:
        units = MemberUnit.objects.filter(active=True, is_member=True).order_by("order", "id")
        # the member units may read the minutes and follow their decisions, as for any meeting
        Invitation.objects.bulk_create([Invitation(meeting=meeting, unit=u, is_member=True) for u in units])
    for f in files:
        meeting.minutes_files.create(file=f, name=(f.name or "")[:200])
    return meeting


def _ensure_history_draft(meeting: Meeting) -> None:
    if not meeting.is_history or meeting.status != Meeting.Status.HELD:
        raise ServiceError("只有尚未完成补录的历史会议才能执行此操作。", code="not_history_draft")


@transaction.atomic
def meeting_history_add_files(*, meeting: Meeting, by: User, files: Sequence[UploadedFile]) -> int:
    """More scanned minutes (PDF/Word) for a history meeting, also after it was finalised."""
    ensure_office(by)
    if not meeting.is_history:
        raise ServiceError("只有历史补录的会议可以上传纪要原件。", code="not_history")
    for f in files:
        meeting.minutes_files.create(file=f, name=(f.name or "")[:200])
    return len(files)


@transaction.atomic
def meeting_history_finalize(*, meeting: Meeting, by: User) -> Meeting:
    """完成补录: the history meeting becomes 纪要已发布; its decisions become follow-up items in
    their real states, silently (see followups._release_history)."""
    ensure_office(by)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _ensure_history_draft(meeting)
    problems = []
    if not meeting.minutes_overview.strip():
        problems.append("会议概况未填写")
    if not meeting.agenda_items.exists():
        problems.append("没有议题（议程事项）")
    if problems:
        raise ServiceError(f"补录尚不完整：{'；'.join(problems)}。", code="incomplete")
    now = timezone.now()
    # the paper minutes were signed at the time; the platform records who entered them
    meeting.minutes_signed_by = by
    meeting.minutes_signed_at = now
    meeting.minutes_published_at = now
    meeting.status = Meeting.Status.PUBLISHED
    save_with_history(meeting, by)
    release_meeting_decisions(meeting=meeting, by=by)
    return meeting


# --- one xlsx file ------------------------------------------------------------------------------

MEETING_SHEET = "会议"
DECISION_SHEET = "议题与决定"
MEETING_COLUMNS = [
    ("term", "会议期次"),
    ("held_on", "召开日期"),
    ("place", "会议地点"),
    ("attendees", "出席人员"),
    ("overview", "会议概况"),
    ("minutes_number", "纪要编号"),
]
MEETING_REQUIRED = {"term", "held_on", "place", "overview"}
DECISION_COLUMNS = [
    ("term", "会议期次"),
    ("topic", "议题"),
    ("presenter", "汇报单位"),
    ("kind", "议事内容类别"),
    ("discussion", "讨论情况"),
    ("title", "决定事项"),
    ("content", "具体要求"),
    ("lead", "牵头单位"),
    ("co", "配合单位"),
    ("deadline", "办理时限"),
    ("state", "办理状态"),
    ("completed_on", "办结日期"),
]
DECISION_REQUIRED = {"term", "topic", "title", "lead", "deadline", "state"}


@dataclass
class HistoryDecision:
    row: int
    title: str
    content: str
    lead_id: int
    co_ids: list[int]
    deadline: str  # ISO dates: the preview is kept in the session as JSON
    state: str
    completed_on: str | None
    lead_name: str = ""
    co_names: str = ""


@dataclass
class HistoryTopic:
    title: str
    presenter: str
    discussion: str
    kind_id: int
    decisions: list[HistoryDecision] = field(default_factory=list)


@dataclass
class HistoryMeeting:
    row: int
    year: int
    half: int
    held_on: str
    place: str
    attendees: str
    overview: str
    minutes_number: str
    topics: list[HistoryTopic] = field(default_factory=list)

    @property
    def label(self) -> str:
        return term_label(self.year, self.half)

    @property
    def decision_count(self) -> int:
        return sum(len(t.decisions) for t in self.topics)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "HistoryMeeting":
        data = dict(data)
        topics = []
        for t in data.pop("topics"):
            t = dict(t)
            decisions = [HistoryDecision(**d) for d in t.pop("decisions")]
            topics.append(HistoryTopic(**t, decisions=decisions))
        return cls(**data, topics=topics)


@dataclass
class HistoryPreview:
    meetings: list[HistoryMeeting]
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return bool(self.meetings) and not self.errors


def _term(value: object, errors: list[str]) -> Term | None:
    text = _text(value).replace(" ", "")
    labels = _term_labels(current_cycle())
    for label, half in labels.items():
        head = text.removesuffix(label)
        if head != text and head.removesuffix("年").isdigit():
            return int(head.removesuffix("年")), half
    examples = [f"“2023年{label}”" for label in labels]
    written = examples[0] if len(examples) == 1 else "、".join(examples[:-1]) + "或" + examples[-1]
    errors.append(f"会议期次“{_text(value)}”应写作{written}。")
    return None


def _sheet_rows(
    workbook: Any, name: str, columns: Columns, required: set[str]
) -> list[tuple[int, dict[str, Any]]]:
    if name not in workbook.sheetnames:
        raise ServiceError(f"文件中没有“{name}”工作表，请使用下载的模板填写。", code="no_sheet")
    rows_iter = sheet_rows(workbook[name])
    header = next(rows_iter, None) or ()
    labels = {label: key for key, label in columns}
    positions = {labels[_text(c)]: i for i, c in enumerate(header) if _text(c) in labels}
    missing = [label for key, label in columns if key in required and key not in positions]
    if missing:
        raise ServiceError(
            f"“{name}”工作表表头缺少以下列：{'、'.join(missing)}。请使用下载的模板填写。", code="header"
        )
    out: list[tuple[int, dict[str, Any]]] = []
    for number, values in enumerate(rows_iter, start=2):
        if values is None or all(v is None or _text(v) == "" for v in values):
            continue
        if len(out) >= MAX_IMPORT_ROWS:
            raise ServiceError(
                f"“{name}”工作表一次最多导入 {MAX_IMPORT_ROWS} 行，请分批导入。", code="too_many"
            )
        out.append((number, {key: (values[i] if i < len(values) else None) for key, i in positions.items()}))
    return out


def _formula_error(cells: dict[str, Any], columns: Columns) -> str:
    formulas = [label for key, label in columns if is_formula_text(cells.get(key))]
    if formulas:
        return f"“{'、'.join(formulas)}”的内容以 = + - @ 开头，疑似公式，已拒绝导入。"
    return ""


def _units(text: str, lookup: Mapping[str, MemberUnit], label: str, errors: list[str]) -> list[MemberUnit]:
    units = []
    for name in [n.strip() for n in text.replace("，", "、").replace(",", "、").split("、") if n.strip()]:
        unit = lookup.get(name)
        if unit is None or not unit.active:
            errors.append(f"{label}“{name}”不在成员单位名单中（请使用名单中的单位简称）。")
        else:
            units.append(unit)
    return units


def _read_meetings(workbook: Any, errors: list[RowError]) -> tuple[dict[Term, HistoryMeeting], set[Term]]:
    meetings: dict[Term, HistoryMeeting] = {}
    bad_terms: set[Term] = set()
    seen_rows: dict[tuple[int, int], int] = {}
    for number, cells in _sheet_rows(workbook, MEETING_SHEET, MEETING_COLUMNS, MEETING_REQUIRED):
        row_errors: list[str] = []
        formula = _formula_error(cells, MEETING_COLUMNS)
        if formula:
            errors.append(row_error(formula, sheet=MEETING_SHEET, row=number))
            continue
        term = _term(cells.get("term"), row_errors)
        held_on = _date(cells.get("held_on"), "召开日期", row_errors)
        place = _text(cells.get("place"))[:200]
        overview = _text(cells.get("overview"))
        if not place:
            row_errors.append("请填写会议地点。")
        if not overview:
            row_errors.append("请填写会议概况。")
        if term is not None:
            if term in seen_rows:
                row_errors.append(
                    f"与第 {seen_rows[term]} 行是同一期次的会议（每{_every(current_cycle())}一次联席会议）。"
                )
            else:
                seen_rows[term] = number
                row_errors.extend(check_history_term(year=term[0], half=term[1], held_on=held_on))
        if row_errors:
            errors.append(row_error("；".join(dict.fromkeys(row_errors)), sheet=MEETING_SHEET, row=number))
            if term is not None:
                bad_terms.add(term)
            continue
        assert term is not None and held_on is not None  # else a row error above
        meetings[term] = HistoryMeeting(
            row=number,
            year=term[0],
            half=term[1],
            held_on=held_on.isoformat(),
            place=place,
            attendees=_text(cells.get("attendees")),
            overview=overview,
            minutes_number=_text(cells.get("minutes_number"))[:50],
        )
    bad_terms -= set(meetings)
    return meetings, bad_terms


def _kinds() -> tuple[dict[str, BusinessKind], BusinessKind]:
    """第二条 kinds by name, code and clause; topics without one are filed as 第二条(八) 其他重要事项."""
    kinds: dict[str, BusinessKind] = {}
    for kind in BusinessKind.objects.all():
        for key in (
            kind.name,
            kind.code,
            kind.clause,
            f"{kind.clause}{kind.name}",
            f"{kind.clause} {kind.name}",
        ):
            kinds[key.replace("（", "(").replace("）", ")")] = kind
    default = kinds.get("other") or next(iter(kinds.values()), None)
    if default is None:
        raise ServiceError("议事内容类别（第二条）尚未载入，请先运行 load_policy。", code="no_kinds")
    return kinds, default


def _read_decisions(
    workbook: Any, meetings: dict[Term, HistoryMeeting], errors: list[RowError], bad_terms: set[Term]
) -> set[Term | None]:
    """Adds the rows' topics and decisions to ``meetings``; returns the terms with a wrong row."""
    lookup = unit_lookup()
    kinds, default_kind = _kinds()
    failed: set[Term | None] = set()
    for number, cells in _sheet_rows(workbook, DECISION_SHEET, DECISION_COLUMNS, DECISION_REQUIRED):
        row_errors: list[str] = []
        formula = _formula_error(cells, DECISION_COLUMNS)
        if formula:
            errors.append(row_error(formula, sheet=DECISION_SHEET, row=number))
            continue
        term = _term(cells.get("term"), row_errors)
        meeting = meetings.get(term) if term else None
        if term is not None and meeting is None and term not in bad_terms:
            row_errors.append(f"会议期次“{_text(cells.get('term'))}”不在“{MEETING_SHEET}”工作表中。")
        topic_title = _text(cells.get("topic"))[:200]
        if not topic_title:
            row_errors.append("请填写议题。")
        kind_text = _text(cells.get("kind")).replace("（", "(").replace("）", ")")
        kind = kinds.get(kind_text, default_kind if not kind_text else None)
        if kind is None:
            row_errors.append(f"议事内容类别“{kind_text}”不是第二条所列类别。")
        title = _text(cells.get("title"))[:300]
        lead = _units(_text(cells.get("lead")), lookup, "牵头单位", row_errors)
        co = _units(_text(cells.get("co")), lookup, "配合单位", row_errors)
        deadline = _date(cells.get("deadline"), "办理时限", row_errors)
        completed_on = _date(cells.get("completed_on"), "办结日期", row_errors)
        state_label = _text(cells.get("state"))
        state = HistoryState.LABELS.get(state_label)
        if title:
            if not _text(cells.get("lead")):
                row_errors.append("请填写牵头单位。")
            elif len(lead) > 1:
                row_errors.append("牵头单位只能填写一个，其他单位请填入“配合单位”。")
            if deadline is None and _text(cells.get("deadline")) == "":
                row_errors.append("请填写办理时限。")
            if state is None:
                row_errors.append(f"办理状态“{state_label}”应为“已销号”“办理中”或“未签收”。")
        if meeting is not None and title and deadline and state:
            held_on = dt.date.fromisoformat(meeting.held_on)
            if deadline < held_on:
                row_errors.append(f"办理时限 {cn_date(deadline)} 早于会议召开日期 {cn_date(held_on)}。")
            try:
                check_history_state(state, completed_on, held_on=held_on)
            except ValidationError as exc:
                row_errors.extend(exc.messages)
        if row_errors:
            errors.append(row_error("；".join(row_errors), sheet=DECISION_SHEET, row=number))
            failed.add(term)
            continue
        if meeting is None:
            continue  # its meeting row is wrong; that error is already listed
        assert kind is not None  # else a row error above
        topic = next((t for t in meeting.topics if t.title == topic_title), None)
        if topic is None:
            topic = HistoryTopic(
                title=topic_title,
                presenter=_text(cells.get("presenter"))[:100],
                discussion=_text(cells.get("discussion")),
                kind_id=kind.pk,
            )
            meeting.topics.append(topic)
        elif _text(cells.get("discussion")) and not topic.discussion:
            topic.discussion = _text(cells.get("discussion"))
        if title:
            assert deadline is not None and state is not None  # else a row error above
            others = [u for u in co if u.pk != lead[0].pk]
            topic.decisions.append(
                HistoryDecision(
                    row=number,
                    title=title,
                    content=_text(cells.get("content")),
                    lead_id=lead[0].pk,
                    co_ids=[u.pk for u in others],
                    deadline=deadline.isoformat(),
                    state=state,
                    completed_on=completed_on.isoformat() if completed_on else None,
                    lead_name=lead[0].name,
                    co_names="、".join(u.name for u in others),
                )
            )
    return failed


def history_import_preview(*, upload: UploadedFile) -> HistoryPreview:
    """Read and check every row of an uploaded workbook (already size- and type-checked).

    Nothing is stored: the preview is shown, and ``history_import_confirm`` writes it."""
    workbook = open_workbook(upload, limits=LIMITS)
    errors: list[RowError] = []
    # terms whose meeting row is wrong: their decision rows are not reported a second time
    meetings, bad_terms = _read_meetings(workbook, errors)
    failed = _read_decisions(workbook, meetings, errors, bad_terms)
    for term, meeting in meetings.items():
        if not meeting.topics and term not in failed:
            errors.append(
                row_error(
                    f"{meeting.label}联席会议在“{DECISION_SHEET}”中没有议题。",
                    sheet=MEETING_SHEET,
                    row=meeting.row,
                )
            )
    if not meetings and not errors:
        raise ServiceError("文件中没有数据行。", code="empty")
    ordered = sorted(meetings.values(), key=lambda m: (m.year, m.half))
    return HistoryPreview(meetings=ordered, errors=errors)


def _record(meeting: HistoryMeeting, *, by: User) -> Meeting:
    record = meeting_history_create(
        by=by,
        year=meeting.year,
        half=meeting.half,
        held_on=dt.date.fromisoformat(meeting.held_on),
        place=meeting.place,
        attendees=meeting.attendees,
        overview=meeting.overview,
        minutes_number=meeting.minutes_number,
    )
    units = {u.pk: u for u in MemberUnit.objects.filter(active=True)}
    kinds = {k.pk: k for k in BusinessKind.objects.all()}
    for order, topic in enumerate(meeting.topics, start=1):
        item = AgendaItem(
            meeting=record,
            order=order,
            title=topic.title,
            business_kind=kinds[topic.kind_id],
            presenter=topic.presenter or "委员会办公室",
            discussion=topic.discussion or "（历史补录）",
        )
        save_with_history(item, by)
        for d in topic.decisions:
            try:
                decision_create(
                    agenda_item=item,
                    by=by,
                    title=d.title,
                    content=d.content,
                    lead_unit=units.get(d.lead_id),
                    co_units=[units[i] for i in d.co_ids if i in units],
                    deadline=dt.date.fromisoformat(d.deadline),
                    state=d.state,
                    completed_on=dt.date.fromisoformat(d.completed_on) if d.completed_on else None,
                )
            except ValidationError as exc:
                raise ServiceError(
                    f"{DECISION_SHEET} 第 {d.row} 行：{'；'.join(exc.messages)}", code="bad_row"
                ) from exc
    return meeting_history_finalize(meeting=record, by=by)


def history_import_confirm(*, meetings: list[HistoryMeeting], by: User) -> list[Meeting]:
    """Store every previewed meeting, or none: each is checked again inside the transaction."""
    ensure_office(by)
    if not meetings:
        raise ServiceError("没有可导入的会议。", code="empty")
    created = []
    with transaction.atomic():
        for meeting in meetings:
            try:
                created.append(_record(meeting, by=by))
            except ValidationError as exc:
                raise ServiceError(
                    f"{meeting.label}：{'；'.join(exc.messages)}（本次导入已全部取消）", code="bad_meeting"
                ) from exc
    return created


class HistoryImporter(Importer):
    """历史补录 of joint meetings from one xlsx file, on the one import pipeline."""

    kind = "meetings.history"
    label = "历史联席会议"
    rows_template = "meetings/_import_rows_history.html"
    confirm_note = "确认后才录入下列会议及其决定事项（按实际办理状态列入督办，不通知任何人）。"

    def read(self, uploaded: UploadedFile, *, params: dict[str, Any], by: User) -> Parsed:
        preview = history_import_preview(upload=uploaded)
        return Parsed(rows=[m.to_json() for m in preview.meetings], errors=preview.errors)

    def apply(self, batch: ImportBatch, *, by: User) -> tuple[str, list[Meeting]]:
        meetings = [HistoryMeeting.from_json(data) for data in batch.rows]
        created = history_import_confirm(meetings=meetings, by=by)
        decisions = sum(m.decision_count for m in meetings)
        return f"已导入 {len(created)} 次历史联席会议、{decisions} 项决定事项。", created

    def may_use(self, user: User) -> bool:
        return is_office(user)

    def upload_url(self, batch: ImportBatch) -> str:
        return reverse("meetings:history_import")

    def done_url(self, batch: ImportBatch) -> str:

        return reverse("meetings:history_create")
