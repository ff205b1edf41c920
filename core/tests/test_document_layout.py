"""Issue 19 point 10: generated documents number their pages and never double their punctuation."""

import io

import pytest
from django.urls import reverse
from docx import Document

from core.documents import add_paragraph, add_table, docx_bytes, new_document, tidy


def _footer_xml(doc) -> str:
    return doc.sections[0].footer._element.xml


def test_every_new_document_has_a_page_number_field_in_its_footer():
    doc = Document(io.BytesIO(docx_bytes(new_document(title="测试"))))
    xml = _footer_xml(doc)
    assert 'w:fldCharType="begin"' in xml and "PAGE" in xml and 'w:fldCharType="end"' in xml


@pytest.mark.parametrize(
    "joined,expected",
    [
        ("报市政府备案。。牵头单位：市市场监管局", "报市政府备案。牵头单位：市市场监管局"),
        ("报市政府备案。；完成时限：2026年1月1日。", "报市政府备案；完成时限：2026年1月1日。"),
        ("确有必要！。", "确有必要！"),
        ("正常句子，不变。", "正常句子，不变。"),
    ],
)
def test_joined_sentences_lose_their_doubled_punctuation(joined, expected):
    assert tidy(joined) == expected


def test_paragraphs_and_table_cells_are_tidied():
    doc = new_document(title="测试")
    add_paragraph(doc, "决定报备案。。")
    add_table(doc, ["内容"], [["已办结。。"]])
    text = "\n".join(p.text for p in doc.paragraphs) + doc.tables[0].cell(1, 0).text
    assert "。。" not in text


@pytest.mark.django_db
def test_a_real_download_carries_page_numbers(client, users):
    client.force_login(users["office"])
    response = client.get(reverse("committee:roster_export_docx"))
    assert response.status_code == 200
    assert "PAGE" in _footer_xml(Document(io.BytesIO(response.content)))
