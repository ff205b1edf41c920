"""Exports in the office's usual layouts: 公示名单 and 拨付清单 (.docx), money ledger (.xlsx)."""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone
from docx.document import Document

from core.documents import add_paragraph, add_table, new_document
from core.policy import policy_document

from .formatting import cn_date, wan
from .models import (
    Application,
    DuplicateFinding,
    FundingPath,
    FundingRequest,
    FundingRequestItem,
    FundingSource,
    PublicityBatch,
    RewardItem,
)
from .services.legacy import COLUMNS
from .validators import visible_reference


def _amount_text(application: Application) -> str:
    text = wan(application.amount_yuan)
    if application.provisional:
        text += "（以省级财政拨付为准）"
    return text


def publicity_document(batch: PublicityBatch, entries: Iterable[Application]) -> Document:
    doc = new_document(title=batch.title, landscape=True)
    add_paragraph(
        doc,
        f"根据{policy_document().citation}"
        "三（二）的规定，经企业申报、办公室初审和复核，现将拟奖励名单予以公示。",
    )
    add_paragraph(
        doc,
        f"公示期：{cn_date(batch.start_date)}至{cn_date(batch.end_date)}（{batch.workdays}个工作日）。",
    )
    rows = [
        [
            index,
            a.enterprise.name,
            a.reward_item.name,
            a.reference,
            a.reward_item.clause,
            _amount_text(a),
            a.funding_source_label,
        ]
        for index, a in enumerate(entries, start=1)
    ]
    add_table(
        doc,
        ["序号", "企业名称", "奖励项目", "证书/标准/商标编号", "政策条款", "拟奖励金额", "资金来源"],
        rows,
    )
    add_paragraph(
        doc,
        "公示期间，任何单位和个人对公示对象有异议的，可在公示期内以书面或电话方式向"
        f"{policy_document().office_seat_text}反映。反映情况应实事求是，以单位名义反映的请加盖公章，"
        "以个人名义反映的请署真实姓名并留联系方式。",
    )
    add_paragraph(doc, f"联系电话：{batch.contact_phone}　　地址：{batch.contact_address}")
    if batch.note:
        add_paragraph(doc, batch.note)
    add_paragraph(doc, policy_document().office_name, indent=False, align_right=True)
    add_paragraph(doc, cn_date(batch.start_date), indent=False, align_right=True)
    return doc


def payments_document(applications: Iterable[Application], *, start: dt.date, end: dt.date) -> Document:
    doc = new_document(title="质量品牌奖励资金拨付清单", landscape=True)
    add_paragraph(doc, f"统计期间：{cn_date(start)}至{cn_date(end)}（按拨付日期）。")
    rows: list[list[Any]] = []
    sources = FundingSource.as_choices()
    totals: dict[str | None, int] = {code: 0 for code, _ in sources}
    for index, a in enumerate(applications, start=1):
        # paid: awards_application_paid_has_payment holds both
        assert a.paid_amount_yuan is not None and a.paid_on is not None
        totals[a.funding_source_id] = totals.get(a.funding_source_id, 0) + a.paid_amount_yuan
        rows.append(
            [
                index,
                a.enterprise.name,
                a.reward_item.name,
                a.funding_source_label,
                f"{a.amount_yuan:,}",
                f"{a.paid_amount_yuan:,}",
                a.paid_on.strftime("%Y-%m-%d"),
                a.voucher_number,
                "历史录入" if a.is_legacy else a.code,
            ]
        )
    add_table(
        doc,
        [
            "序号",
            "企业名称",
            "奖励项目",
            "资金来源",
            "核定金额（元）",
            "实拨金额（元）",
            "拨付日期",
            "凭证号",
            "申报编号",
        ],
        rows,
    )
    names: dict[str | None, str] = dict(sources)
    summary = "；".join(f"{names.get(k, k)} {v:,} 元" for k, v in totals.items() if v)
    add_paragraph(doc, f"合计：{len(rows)} 笔，{sum(totals.values()):,} 元。{summary}")
    add_paragraph(doc, policy_document().office_name, indent=False, align_right=True)
    add_paragraph(doc, cn_date(timezone.localdate()), indent=False, align_right=True)
    return doc


def money_sheets(
    rows: list[dict[str, Any]], applications: Iterable[Application]
) -> list[tuple[str, list[str], list[list[Any]]]]:
    summary = [
        [
            r["year"],
            r["funding_source_label"],
            r["requested_count"],
            r["requested"],
            r["approved_count"],
            r["approved"],
            r["paid_count"],
            r["paid"],
            r["pending"],
        ]
        for r in rows
    ]
    detail = [
        [
            "历史录入" if a.is_legacy else a.code,
            a.enterprise.name,
            a.enterprise.credit_code,
            a.reward_item.name,
            a.award_date,
            a.reference,
            a.funding_source_label,
            a.get_status_display(),
            a.amount_yuan,
            "是" if a.provisional else "",
            a.paid_amount_yuan,
            a.paid_on,
            a.voucher_number,
        ]
        for a in applications
    ]
    return [
        (
            "汇总",
            [
                "获奖年度",
                "资金来源",
                "申报笔数",
                "申报金额（元）",
                "核准笔数",
                "核准金额（元）",
                "已拨付笔数",
                "已拨付（元）",
                "待拨付（元）",
            ],
            summary,
        ),
        (
            "明细",
            [
                "申报编号",
                "企业名称",
                "统一社会信用代码",
                "奖励项目",
                "获奖日期",
                "证书/标准/商标编号",
                "资金来源",
                "状态",
                "核定金额（元）",
                "以上级拨付为准",
                "实拨金额（元）",
                "拨付日期",
                "凭证号",
            ],
            detail,
        ),
    ]


def legacy_template_sheets() -> list[tuple[str, list[str], list[list[Any]]]]:
    example = [
        [
            "91421081MA49R8XA1X",
            f"{policy_document().short_name}示范米业有限公司",
            "中国驰名商标",
            "2022-06-15",
            "第1234567号",
            "国家知识产权局",
            500000,
            "2022-12-20",
            "2022-0001",
            "示例行，导入前请删除",
            "××〔2022〕5号",
            "2022-12-01",
            "",
        ]
    ]
    items = [
        [i.name, i.amount_yuan, i.funding_source.name]
        for i in RewardItem.objects.select_related("funding_source").order_by("order")
    ]
    return [
        ("历史兑现记录", [label for _, label in COLUMNS], example),
        ("奖励项目", ["名称", "金额（元）", "资金来源"], items),
    ]


def _record(a: Application) -> list[Any]:
    return [
        a.code,
        "历史兑现" if a.is_legacy else "平台申报",
        a.enterprise.name,
        a.enterprise.credit_code,
        a.reward_item.name,
        visible_reference(a.reference),
        a.get_status_display(),
    ]


def integrity_sheets(findings: Iterable[DuplicateFinding]) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The integrity page as a workbook: both records of each possible duplicate and its ruling."""
    record = ["申报编号", "来源", "企业名称", "统一社会信用代码", "奖励项目", "编号（原样）", "状态"]
    rows = [
        [
            f.get_kind_display(),
            f.reference_canonical,
            *_record(f.application),
            *_record(f.other),
            f.found_on,
            timezone.localtime(f.found_at).strftime("%Y-%m-%d %H:%M"),
            f.get_ruling_display(),
            f.ruling_text,
            f.ruled_by.display_name if f.ruled_by else "",
            timezone.localtime(f.ruled_at).strftime("%Y-%m-%d %H:%M") if f.ruled_at else "",
        ]
        for f in findings
    ]
    header = [
        "类型",
        "规范编号",
        *(f"后者{h}" for h in record),
        *(f"前者{h}" for h in record),
        "发现环节",
        "发现时间",
        "裁定",
        "裁定意见",
        "裁定人",
        "裁定时间",
    ]
    return [("疑似重复奖励", header, rows)]


LEDGER_HEADER = [
    "序号",
    "企业名称",
    "统一社会信用代码",
    "奖项",
    "获奖日期",
    "核定金额（元）",
    "资金来源",
    "批复文号",
    "拨付金额（元）",
    "拨付日期",
    "凭证号",
    "经办人",
    "审核人",
]


def ledger_rows(applications: Iterable[Application]) -> list[list[Any]]:
    """The 资金拨付台账 as finance expects it (批复文号 from the confirmed reply, or as entered for legacy)."""
    return [
        [
            n,
            a.enterprise.name,
            a.enterprise.credit_code,
            a.reward_item.name,
            a.award_date,
            a.amount_yuan if a.approved_amount_yuan is None else a.approved_amount_yuan,
            a.funding_source_label,
            a.approval_number,
            a.paid_amount_yuan,
            a.paid_on,
            a.voucher_number,
            a.payment_recorded_by.display_name if a.payment_recorded_by else "",
            a.payment_confirmed_by.display_name if a.payment_confirmed_by else "",
        ]
        for n, a in enumerate(applications, start=1)
    ]


def ledger_sheets(
    applications: Iterable[Application], totals: dict[str, int]
) -> list[tuple[str, list[str], list[list[Any]]]]:
    rows = ledger_rows(applications)
    rows.append(
        ["合计", f"{totals['n']} 项", "", "", "", totals["approved"], "", "", totals["paid"], "", "", "", ""]
    )
    return [("资金拨付台账", LEDGER_HEADER, rows)]


def funding_request_document(request: FundingRequest, items: Sequence[FundingRequestItem]) -> Document:
    """The 请示 of a 报请 batch in government layout: title, 主送, body citing the policy, the list of
    enterprises, awards and amounts with the total, 落款 and date."""

    policy = policy_document()
    # the stubs type a to_field key's ``_id`` lookup as the pk; it is the code here
    path = FundingPath.objects.filter(source_id=request.funding_source_id).first()  # type: ignore[misc]
    doc = new_document(title=request.title)
    add_paragraph(doc, f"{request.recipient}：", indent=False)
    clause = f"“{path.clause}”" if path and path.clause else ""
    add_paragraph(
        doc,
        f"根据{policy.citation}三（二）的规定{('：' + clause) if clause else ''}。"
        f"经企业申报、{policy.office_name}初审和复核，并经公示无异议，现有 {len(items)} 家（次）企业符合奖励条件，"
        f"拟奖励资金合计 {wan(request.total_yuan)}（{request.total_yuan:,} 元），资金来源为"
        f"{request.funding_source.name}。具体名单如下：",
    )
    rows = [
        [
            n,
            i.application.enterprise.name,
            i.application.enterprise.credit_code,
            i.application.reward_item.name,
            cn_date(i.application.award_date) if i.application.award_date else "",
            f"{i.requested_amount_yuan:,}" + ("（以省级财政拨付为准）" if i.application.provisional else ""),
        ]
        for n, i in enumerate(items, start=1)
    ]
    rows.append(["合计", f"{len(items)} 项", "", "", "", f"{request.total_yuan:,}"])
    add_table(doc, ["序号", "企业名称", "统一社会信用代码", "奖励项目", "获奖日期", "拟奖励金额（元）"], rows)
    add_paragraph(doc, "妥否，请批示。")
    add_paragraph(doc, policy_document().office_name, indent=False, align_right=True)
    add_paragraph(doc, cn_date(request.requested_on), indent=False, align_right=True)
    return doc
