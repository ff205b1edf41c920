"""The year's assessment as xlsx and .docx (government layout: title, basis, score table, evidence)."""

from typing import Any

from django.utils import timezone
from docx.document import Document

from core.dates import cn_date
from core.documents import add_heading, add_paragraph, add_table, new_document
from core.policy import policy_document, rhythm_name

from .models import AssessmentScheme

# a unit's computed or published score (assessment.services.assessment_compute / scheme_results)
Rows = list[dict[str, Any]]


def score_headers(scheme: AssessmentScheme) -> list[str]:
    return ["名次", "单位"] + [f"{i.name}（{i.weight}分）" for i in scheme.items.all()] + ["得分"]


def score_rows(rows: Rows) -> list[list[Any]]:
    return [[r["rank"], r["unit"].name] + [i["score"] for i in r["items"]] + [str(r["score"])] for r in rows]


def evidence_rows(rows: Rows) -> list[list[Any]]:
    out = []
    for r in rows:
        for item in r["items"]:
            for line in item["evidence"]:
                out.append([r["unit"].name, item["name"], f"-{item['deduction']}", line])
    return out


EVIDENCE_HEADERS = ["单位", "考核项目", "扣分", "扣分依据"]
RULE_HEADERS = ["考核项目", "扣分情形", "分值", "每次扣分"]


def rule_rows(scheme: AssessmentScheme) -> list[list[Any]]:
    return [[i.name, i.get_kind_display(), str(i.weight), str(i.deduction)] for i in scheme.items.all()]


def workbook_sheets(scheme: AssessmentScheme, rows: Rows) -> list[tuple[str, list[str], list[list[Any]]]]:
    return [
        ("考核得分", score_headers(scheme), score_rows(rows)),
        ("扣分依据", EVIDENCE_HEADERS, evidence_rows(rows)),
        ("考核方案", RULE_HEADERS, rule_rows(scheme)),
    ]


def assessment_document(scheme: AssessmentScheme, rows: Rows) -> Document:
    policy = policy_document()
    doc = new_document(
        title=f"{scheme.year}年度{policy.program_name}工作督查考核结果",
        issuer=policy.office_name,
        landscape=True,
    )
    add_paragraph(
        doc,
        f"根据{policy.citation}三（三）“强化督查考核”的要求，按照办公室确定的{scheme.year}年度考核方案，"
        f"对各成员单位{rhythm_name()}进度报告报送、联席会议督办事项办结和牵头指标进度情况进行了考核。"
        + ("" if scheme.is_published else "（本结果尚未发布，仅供审核。）"),
    )
    if scheme.note:
        add_paragraph(doc, scheme.note)
    add_heading(doc, "一、考核方案")
    add_table(doc, RULE_HEADERS, rule_rows(scheme), font_size=9)
    add_heading(doc, "二、考核得分及排名")
    add_paragraph(doc, "得分相同的单位名次并列。")
    add_table(doc, score_headers(scheme), score_rows(rows), font_size=9)
    add_heading(doc, "三、扣分依据")
    evidence = evidence_rows(rows)
    if evidence:
        add_table(doc, EVIDENCE_HEADERS, evidence, font_size=9)
    else:
        add_paragraph(doc, "各单位均无扣分。")
    add_paragraph(doc, policy.office_name, indent=False, align_right=True)
    on = timezone.localdate(scheme.published_at) if scheme.published_at else timezone.localdate()
    add_paragraph(doc, f"{cn_date(on)}", indent=False, align_right=True)
    return doc
