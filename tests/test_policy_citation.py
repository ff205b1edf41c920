"""Issue 16 point 7: every page and document cites the policy from the policy data."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document

from core.models import PolicyDocument
from core.ranking import rank_with_ties
from scheduler import services
from scheduler.halves import HalfYear
from targets.models import Statistic
from targets.progress import TargetSpec, evaluate
from targets.services import period_open

pytestmark = pytest.mark.django_db

REAL_TITLE = "监利市人民政府关于开展质量品牌提升行动促进经济高质量发展的实施意见"
WRONG_TITLE = "关于加快推进质量强市和品牌建设的实施意见"


def _docx_text(field_file) -> str:
    with field_file.open("rb") as f:
        doc = Document(io.BytesIO(f.read()))
    return "\n".join(p.text for p in doc.paragraphs)


def _edit(**values) -> None:
    """The office corrects the record (admin): a save, which the pages' memo of it follows at once."""
    document = PolicyDocument.objects.get()
    for name, value in values.items():
        setattr(document, name, value)
    document.save()


def test_the_policy_identity_and_office_sentence_are_loaded(policy):
    doc = PolicyDocument.objects.get()
    assert doc.title == REAL_TITLE and doc.document_number == "监政发〔2022〕1号"
    assert doc.issued_on == dt.date(2022, 1, 6)
    assert doc.office_text == (
        "监利市质量强市及品牌建设工作委员会办公室设在市市场监管局，主要承担统筹协调、督促指导全市品牌强市工作。"
    )
    assert policy.title == REAL_TITLE  # the plan's own document title is loaded too


def test_the_half_year_report_cites_the_real_title_from_the_data(policy):
    period_open(plan=policy, year=2025, half=1)
    report = services.half_year_report_build(half=HalfYear(2025, 1), today=dt.date(2025, 7, 16))
    text = _docx_text(report.docx.file)
    assert f"《{REAL_TITLE}》（监政发〔2022〕1号）" in text and WRONG_TITLE not in text
    # the citation follows the data, not code: a corrected record changes the next build
    _edit(title="更正后的文件标题")
    report = services.half_year_report_build(half=HalfYear(2025, 1), today=dt.date(2025, 7, 16))
    assert "《更正后的文件标题》" in _docx_text(report.docx.file)


def test_pages_cite_the_number_from_the_data_and_the_committee_page_shows_the_office(client, users):
    _edit(document_number="测试〔2030〕9号", office_text="办公室设在某处，负责某事。")
    client.force_login(users["office"])
    body = client.get(reverse("committee:roster")).content.decode()
    assert "办公室设在某处，负责某事。" in body
    assert "依据 测试〔2030〕9号 附件1" in body and "监政发〔2022〕1号" not in body
    assert "测试〔2030〕9号" in client.get(reverse("core:reward_schedule")).content.decode()


def test_a_target_past_its_deadline_not_met_is_missed_not_behind():
    spec = TargetSpec(kind="at_least", target_value=Decimal(10), deadline=dt.date(2025, 12, 31))
    progress = evaluate(spec, Decimal(9), dt.date(2025, 12, 31), dt.date(2026, 1, 5))
    assert progress.rag_label == "未完成" and progress.missed
    before = evaluate(spec, Decimal(9), dt.date(2025, 12, 31), dt.date(2025, 12, 31))
    assert before.rag_label != "未完成" and not before.missed
    met = evaluate(spec, Decimal(10), dt.date(2025, 12, 31), dt.date(2026, 1, 5))
    assert met.rag_label == "正常"


def test_the_2025h2_report_says_missed_for_targets_past_their_deadline(policy):
    period_open(plan=policy, year=2025, half=2, due_date=dt.date(2026, 1, 15))
    target = policy.targets.filter(kind="at_least", target_value__gt=0).order_by("order").first()
    Statistic.objects.create(
        target=target, value=Decimal(0), as_of=dt.date(2025, 12, 31), source="测试", origin="import"
    )
    # built after the plan's deadline, as the scheduler does
    report = services.half_year_report_build(half=HalfYear(2025, 2), today=dt.date(2026, 1, 16))
    section = report.figures["sections"][0]
    rows = {r[0]: r for r in section["rows"]}
    assert rows[target.code][8] == "未完成"
    assert "滞后" not in rows[target.code][8] and "已过完成时限未完成 1 项" in section["summary"]


def test_units_that_all_have_not_reported_share_one_rank(policy):
    period_open(plan=policy, year=2025, half=1)
    report = services.half_year_report_build(half=HalfYear(2025, 1), today=dt.date(2025, 7, 16))
    league = report.figures["sections"][1]["rows"]
    assert len(league) > 2 and {row[0] for row in league} == {"1"}


def test_ranking_with_ties_skips_after_a_tie():
    ranked = rank_with_ties([5, 3, 3, 1, 7], key=lambda v: v)
    assert [r for r, _ in ranked] == [1, 2, 2, 4, 5]
    assert rank_with_ties([], key=lambda v: v) == []


def test_the_public_policy_page_shows_the_documents_title(client, policy):
    body = client.get(reverse("core:policy")).content.decode()
    assert f"《{REAL_TITLE}》" in body and WRONG_TITLE not in body


def test_the_roster_document_takes_the_office_sentence_from_the_data(client, users):
    _edit(office_text="办公室设在测试局，负责测试。")
    client.force_login(users["office"])
    response = client.get(reverse("committee:roster_export_docx"))
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "办公室设在测试局，负责测试。" in text
