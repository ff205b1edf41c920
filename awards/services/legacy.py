"""Rewards paid before the system existed (since 2022): entered by the office, by form or xlsx.

They become paid applications marked legacy, so 同一奖项不得重复奖励 covers them too.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_office
from core.cells import cell_date, cell_text
from core.dates import cn_date
from core.errors import ServiceError
from core.imports import Importer, Parsed
from core.imports import error as row_error
from core.models import ImportBatch
from core.uploads import SheetLimits, is_formula_text, open_workbook, sheet_rows

from ..models import CLOSED_STATUSES, Application, Enterprise, MoneyChange, RewardItem, RewardTier
from ..validators import canonical_reference, credit_code_of, normalize_credit_code
from ._changes import change_propose
from ._workflow import Action, Status, lock, record, require_office, wan
from .applications import _apply_assessment, _save_unique
from .eligibility import check_eligibility, duplicate_message
from .integrity import findings_record
from .payment import validate_payment

MAX_IMPORT_ROWS = 1000

COLUMNS = [
    ("credit_code", "统一社会信用代码"),
    ("enterprise_name", "企业名称"),
    ("reward", "奖励项目"),
    ("award_date", "获奖日期"),
    ("reference", "证书/标准/商标编号"),
    ("issuing_body", "颁发机构"),
    ("amount_yuan", "实际拨付金额（元）"),
    ("paid_on", "拨付日期"),
    ("voucher_number", "凭证号"),
    ("note", "备注"),
    ("approval_number", "批复文号"),
    ("approval_date", "批复日期"),
    ("tier", "奖励等级"),  # a tiered line's level or grade (name or code); empty for the others
]
REQUIRED = {"credit_code", "reward", "award_date", "reference", "amount_yuan", "paid_on"}
LIMITS = SheetLimits(rows=MAX_IMPORT_ROWS, columns=len(COLUMNS) + 4)


@dataclass
class LegacyRow:
    row_number: int
    credit_code: str
    enterprise_name: str
    reward_code: str
    award_date: dt.date | None
    reference: str
    issuing_body: str
    amount_yuan: int | None
    paid_on: dt.date | None
    voucher_number: str
    note: str
    reward_name: str = ""  # for the preview only
    tier_name: str = ""  # for the preview only
    # the approving authority's reply where known (the 台账's 批复文号 from 2022 on)
    approval_number: str = ""
    approval_date: dt.date | None = None
    tier: str = ""  # the tier's code, for a tiered line (issue 18: tiered lines entered as legacy too)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("award_date", "paid_on", "approval_date"):
            data[key] = data[key].isoformat() if data[key] else None
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "LegacyRow":
        data = dict(data)
        for key in ("award_date", "paid_on", "approval_date"):
            data[key] = dt.date.fromisoformat(data[key]) if data.get(key) else None
        return cls(**data)


def _legacy_check(row: LegacyRow, today: dt.date) -> tuple[Enterprise | None, str, list[str]]:
    """Every rule a legacy record must meet; returns (existing enterprise, credit code, errors)."""
    errors: list[str] = []
    enterprise = None
    code = ""
    try:
        code = credit_code_of(row.credit_code)
    except ValidationError as exc:
        errors.extend(exc.messages)
    if code:
        enterprise = Enterprise.objects.filter(credit_code=code, rejected_at__isnull=True).first()
    name = (row.enterprise_name or "").strip()
    if enterprise and name and enterprise.name != name:
        errors.append(
            f"统一社会信用代码 {code} 已登记为“{enterprise.name}”，与填写的企业名称“{name}”不一致。"
        )
    if code and not enterprise and not name:
        errors.append("该企业尚未登记，请填写企业名称。")
    result = check_eligibility(
        enterprise=enterprise or Enterprise(credit_code=code),
        reward_code=row.reward_code,
        award_date=row.award_date,
        reference=row.reference,
        today=today,
        tier=row.tier,
    )
    errors.extend(result.reasons)
    try:
        validate_payment(
            amount_yuan=row.amount_yuan, paid_on=row.paid_on, award_date=row.award_date, today=today
        )
    except ValidationError as exc:
        errors.extend(exc.messages)
    if row.approval_date and row.approval_date > today:
        errors.append("批复日期不能晚于今天。")
    if row.approval_date and row.paid_on and row.approval_date > row.paid_on:
        errors.append("批复日期不能晚于拨付日期。")
    if row.approval_date and not (row.approval_number or "").strip():
        errors.append("填写批复日期时请同时填写批复文号。")
    return enterprise, code, errors


def legacy_record(*, row: LegacyRow, by: User, source: str = "", today: dt.date | None = None) -> MoneyChange:
    """Propose one reward paid before the system existed; it is entered when another approver confirms."""
    require_office(by)
    today = today or timezone.localdate()
    errors = _legacy_check(row, today)[2]
    if errors:
        raise ServiceError(errors, code="bad_legacy")
    return change_propose(
        kind=MoneyChange.Kind.LEGACY_ENTRY,
        by=by,
        summary=_row_summary(row),
        payload={"rows": [row.to_json()], "source": source},
    )


def _row_summary(row: LegacyRow) -> str:
    tier = f"（{row.tier_name or row.tier}）" if row.tier else ""
    return (
        f"{row.enterprise_name or row.credit_code} {row.reward_name or row.reward_code}{tier} 编号 {row.reference}，"
        f"实际拨付 {wan(row.amount_yuan)}，拨付日期 {cn_date(row.paid_on)}。"
    )


def legacy_apply(change: MoneyChange, *, by: User, today: dt.date | None = None) -> list[Application]:
    """The confirmation of legacy rewards: every row checked again and entered, or none."""
    today = today or timezone.localdate()
    created = []
    rows = [LegacyRow.from_json(data) for data in change.payload["rows"]]
    for row in rows:
        source = change.payload.get("source", "")
        if len(rows) > 1:
            source = f"{source}第 {row.row_number} 行"
        try:
            created.append(_legacy_create(row, change.made_by, by, source, today))
        except ValidationError as exc:
            where = f"第 {row.row_number} 行：" if len(rows) > 1 else ""
            raise ServiceError(
                f"{where}{'；'.join(exc.messages)}（本次录入已全部取消）", code="bad_row"
            ) from exc
    return created


def _legacy_create(
    row: LegacyRow, recorded_by: User, confirmed_by: User, source: str, today: dt.date
) -> Application:
    """Enter one reward paid before the system existed, as a paid application marked legacy."""
    enterprise, code, errors = _legacy_check(row, today)
    if errors:
        raise ServiceError(errors, code="bad_legacy")
    if enterprise is None:
        # the office paid it, so the office knows the enterprise: recorded as verified
        enterprise = Enterprise.objects.create(
            name=row.enterprise_name.strip(),
            credit_code=code,
            verified_at=timezone.now(),
            verified_by=recorded_by,
        )
    result = check_eligibility(
        enterprise=enterprise,
        reward_code=row.reward_code,
        award_date=row.award_date,
        reference=row.reference,
        today=today,
        tier=row.tier,
    )
    now = timezone.now()
    application = Application(
        enterprise=enterprise,
        award_date=row.award_date,
        reference=row.reference.strip(),
        reference_canonical=canonical_reference(row.reference),
        issuing_body=row.issuing_body.strip(),
        status=Status.PAID,
        paid_amount_yuan=row.amount_yuan,
        paid_on=row.paid_on,
        voucher_number=row.voucher_number.strip(),
        payment_note=row.note.strip()[:200],
        payment_recorded_by=recorded_by,
        payment_recorded_at=now,
        payment_confirmed_by=confirmed_by,
        payment_confirmed_at=now,
        is_legacy=True,
        approval_number=(row.approval_number or "").strip()[:100],
        approval_date=row.approval_date,
        created_by=recorded_by,
    )
    _apply_assessment(application, result)
    _save_unique(
        application,
        create=True,
        by=confirmed_by,
        reason=f"录入历史兑现记录（经办人 {recorded_by.display_name}，审核人 {confirmed_by.display_name}）",
    )
    findings_record(application=application, found_on="录入历史兑现记录")
    comment = f"实际拨付 {wan(row.amount_yuan)}，拨付日期 {cn_date(row.paid_on)}"
    if row.voucher_number:
        comment += f"，凭证号 {row.voucher_number}"
    if source:
        comment += f"。来源：{source}"
    comment += f"。经办人 {recorded_by.display_name}，审核人 {confirmed_by.display_name}。"
    record(
        application,
        action=Action.LEGACY,
        from_status="",
        actor=confirmed_by,
        comment=comment,
        notify_enterprise=False,
    )
    return application


def legacy_correct(
    *,
    application: Application,
    by: User,
    amount_yuan: int,
    paid_on: dt.date,
    voucher_number: str,
    reference: str,
    reason: str,
    today: dt.date | None = None,
) -> MoneyChange:
    """Propose a correction of a legacy reward (amount, date, voucher, reference); pending until confirmed."""
    require_office(by)
    today = today or timezone.localdate()
    if not application.is_legacy:
        raise ServiceError("只有系统上线前的历史兑现记录可以更正。", code="not_legacy")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请写明更正原因（如原始凭证号），更正记录将长期保存。", code="reason")
    validate_payment(amount_yuan=amount_yuan, paid_on=paid_on, award_date=application.award_date, today=today)
    reference = (reference or "").strip()[:100]
    errors = _reference_errors(application, reference)
    if errors:
        raise ServiceError(errors, code="reference")
    changes = []
    for label, old, new in (
        ("实际拨付金额", application.paid_amount_yuan, amount_yuan),
        ("拨付日期", application.paid_on, paid_on),
        ("凭证号", application.voucher_number, (voucher_number or "").strip()[:60]),
        ("编号", application.reference, reference),
    ):
        if old != new:
            changes.append(f"{label}：{old} → {new}")
    if not changes:
        raise ServiceError("没有需要更正的内容。", code="unchanged")
    return change_propose(
        kind=MoneyChange.Kind.LEGACY_CORRECTION,
        by=by,
        summary=f"更正历史兑现记录 {application.code}（{application.enterprise.name}）："
        + "；".join(changes)
        + "。",
        reason=reason,
        application=application,
        payload={
            "amount_yuan": amount_yuan,
            "paid_on": paid_on.isoformat(),
            "voucher_number": (voucher_number or "").strip()[:60],
            "reference": reference,
        },
    )


def _reference_errors(application: Application, reference: str) -> list[str]:
    canonical = canonical_reference(reference)
    if not canonical:
        return ["请填写证书、标准或商标编号。"]
    clash = (
        Application.objects.filter(
            enterprise_id=application.enterprise_id,
            reward_item_id=application.reward_item_id,
            reference_canonical=canonical,
        )
        .exclude(status__in=CLOSED_STATUSES)
        .exclude(pk=application.pk)
        .first()
    )
    return [duplicate_message(clash)] if clash else []


def legacy_correction_apply(change: MoneyChange, *, by: User) -> Application:
    assert change.application is not None  # a correction names its application
    application = lock(change.application)
    data = change.payload
    errors = _reference_errors(application, data["reference"])
    if errors:
        raise ServiceError(errors, code="reference")
    application.paid_amount_yuan = data["amount_yuan"]
    application.paid_on = dt.date.fromisoformat(data["paid_on"])
    application.voucher_number = data["voucher_number"]
    application.reference = data["reference"]
    application.reference_canonical = canonical_reference(data["reference"])
    application.updated_at = timezone.now()
    _save_unique(
        application,
        create=False,
        by=by,
        reason=f"更正历史兑现记录（经办人 {change.made_by.display_name}，审核人 {by.display_name}）",
    )
    findings_record(application=application, found_on="更正历史兑现记录")
    record(
        application,
        action=Action.LEGACY_CORRECTION,
        from_status=application.status,
        actor=by,
        comment=f"{change.summary}原因：{change.reason}。经办人 {change.made_by.display_name}，"
        f"审核人 {by.display_name}。",
        notify_enterprise=False,
    )
    return application


# --- xlsx import -------------------------------------------------------------------------------


@dataclass
class LegacyPreview:
    rows: list[LegacyRow]
    errors: list[dict[str, Any]]  # core.imports.error entries (row number and Chinese message)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors


def _amount(value: object, errors: list[str]) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and float(value).is_integer():
        return int(value)
    text = cell_text(value).replace(",", "").replace("，", "")
    if text.isdigit():
        return int(text)
    errors.append(f"实际拨付金额“{cell_text(value)}”应为整数（元）。")
    return None


def _resolve_item(value: str, items: dict[str, str], errors: list[str]) -> str:
    value = value.strip()
    if not value:
        return ""
    code = items.get(value) or items.get(value.lower())
    if code is None:
        errors.append(f"奖励项目“{value}”不在奖励标准中（可填写奖项名称或代码）。")
        return ""
    return code


def _resolve_tier(value: str, reward_code: str, tiers: dict[tuple[str, str], str], errors: list[str]) -> str:
    """A tier written by name or code, of the row's line (the line's other checks say when it needs one)."""
    value = value.strip()
    if not value or not reward_code:
        return ""
    code = tiers.get((reward_code, value)) or tiers.get((reward_code, value.lower()))
    if code is None:
        errors.append(f"奖励等级“{value}”不是该奖项的等级（可填写等级名称或代码）。")
        return ""
    return code


def legacy_import_preview(*, upload: UploadedFile, today: dt.date | None = None) -> LegacyPreview:
    """Read and check every row of an uploaded workbook (already size- and type-checked)."""
    today = today or timezone.localdate()
    workbook = open_workbook(upload, limits=LIMITS)
    sheet = workbook.worksheets[0]
    rows_iter = sheet_rows(sheet)
    header = next(rows_iter, None)
    if not header:
        raise ServiceError("工作表是空的，请使用下载的模板填写。", code="empty")
    labels = {label: key for key, label in COLUMNS}
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = labels.get(cell_text(cell))
        if key:
            positions[key] = index
    missing = [label for key, label in COLUMNS if key in REQUIRED and key not in positions]
    if missing:
        raise ServiceError(f"表头缺少以下列：{'、'.join(missing)}。请使用下载的模板填写。", code="header")
    items: dict[str, str] = {}
    names: dict[str, str] = {}
    for code, name in RewardItem.objects.values_list("code", "name"):
        items[code] = code
        items[name] = code
        names[code] = name
    tiers: dict[tuple[str, str], str] = {}
    tier_names: dict[tuple[str, str], str] = {}
    for item_code, code, name in RewardTier.objects.values_list("reward_item__code", "code", "name"):
        tiers[(item_code, code)] = tiers[(item_code, name)] = code
        tier_names[(item_code, code)] = name
    rows: list[LegacyRow] = []
    errors: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, str], int] = {}
    for number, values in enumerate(rows_iter, start=2):
        if values is None or all(v is None or cell_text(v) == "" for v in values):
            continue
        if len(rows) + len(errors) >= MAX_IMPORT_ROWS:
            raise ServiceError(f"一次最多导入 {MAX_IMPORT_ROWS} 行，请分批导入。", code="too_many")
        cell = {key: (values[i] if i < len(values) else None) for key, i in positions.items()}
        row_errors: list[str] = []
        formulas = [label for key, label in COLUMNS if is_formula_text(cell.get(key))]
        if formulas:
            errors.append(
                row_error(f"“{'、'.join(formulas)}”的内容以 = + - @ 开头，疑似公式，已拒绝导入。", row=number)
            )
            continue
        row = LegacyRow(
            row_number=number,
            credit_code=normalize_credit_code(cell_text(cell.get("credit_code"))),
            enterprise_name=cell_text(cell.get("enterprise_name"))[:200],
            reward_code=_resolve_item(cell_text(cell.get("reward")), items, row_errors),
            award_date=cell_date(cell.get("award_date"), "获奖日期", row_errors),
            reference=cell_text(cell.get("reference"))[:100],
            issuing_body=cell_text(cell.get("issuing_body"))[:200],
            amount_yuan=_amount(cell.get("amount_yuan"), row_errors),
            paid_on=cell_date(cell.get("paid_on"), "拨付日期", row_errors),
            voucher_number=cell_text(cell.get("voucher_number"))[:60],
            note=cell_text(cell.get("note"))[:200],
            approval_number=cell_text(cell.get("approval_number"))[:100],
            approval_date=cell_date(cell.get("approval_date"), "批复日期", row_errors),
        )
        row.tier = _resolve_tier(cell_text(cell.get("tier")), row.reward_code, tiers, row_errors)
        row.reward_name = names.get(row.reward_code, "")
        row.tier_name = tier_names.get((row.reward_code, row.tier), "")
        if not row_errors:
            row_errors.extend(_legacy_check(row, today)[2])
        same = (row.credit_code, row.reward_code, canonical_reference(row.reference))
        if row.reference and same in seen:
            row_errors.append(f"与第 {seen[same]} 行是同一奖项、同一编号（同一奖项不得重复奖励）。")
        seen.setdefault(same, number)
        if row_errors:
            errors.append(row_error("；".join(row_errors), row=number))
        else:
            rows.append(row)
    if not rows and not errors:
        raise ServiceError("工作表中没有数据行。", code="empty")
    return LegacyPreview(rows=rows, errors=errors)


def legacy_import_confirm(
    *, rows: list[LegacyRow], by: User, source_name: str, today: dt.date | None = None
) -> MoneyChange:
    """Propose all previewed rows as one change: entered together, or none, when another approver confirms."""
    require_office(by)
    today = today or timezone.localdate()
    if not rows:
        raise ServiceError("没有可导入的行。", code="empty")
    for row in rows:
        errors = _legacy_check(row, today)[2]
        if errors:
            raise ServiceError(
                f"第 {row.row_number} 行：{'；'.join(errors)}（本次导入已全部取消）", code="bad_row"
            )
    total = sum(row.amount_yuan or 0 for row in rows)
    return change_propose(
        kind=MoneyChange.Kind.LEGACY_IMPORT,
        by=by,
        summary=f"批量导入《{source_name}》：{len(rows)} 条历史兑现记录，合计 {wan(total)}（{total:,} 元）。",
        payload={"rows": [row.to_json() for row in rows], "source": f"批量导入《{source_name}》"},
    )


class LegacyImporter(Importer):
    """The office's 台账 of rewards paid before the platform, on the one import pipeline."""

    kind = "awards.legacy"
    label = "历史兑现记录"
    rows_template = "awards/_import_rows_legacy.html"
    confirm_note = "确认后登记为一项待确认的变更，须由另一位办公室负责人确认后才一并录入。"

    def read(self, uploaded: UploadedFile, *, params: dict[str, Any], by: User) -> Parsed:
        preview = legacy_import_preview(upload=uploaded)
        return Parsed(rows=[row.to_json() for row in preview.rows], errors=preview.errors)

    def apply(self, batch: ImportBatch, *, by: User) -> tuple[str, MoneyChange]:
        rows = [LegacyRow.from_json(data) for data in batch.rows]
        change = legacy_import_confirm(rows=rows, by=by, source_name=batch.original_name[:100])
        return f"{len(rows)} 条历史兑现记录已登记导入，待另一位办公室负责人确认后一并录入。", change

    def may_use(self, user: User) -> bool:
        return is_office(user)

    def upload_url(self, batch: ImportBatch) -> str:
        return reverse("awards:legacy_import")

    def done_url(self, batch: ImportBatch) -> str:
        return reverse("awards:money_changes")
