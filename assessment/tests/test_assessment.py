"""Issue 16 point 4: assessment by the office's rules (三(三)), ties, exports, publication to units."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from assessment.models import AssessmentItem, AssessmentResult, AssessmentScheme
from assessment.services import (
    AssessmentError,
    ItemInput,
    assessment_compute,
    scheme_publish,
    scheme_save,
)
from meetings.tests.factories import work_plan_task
from notifications.models import Notification
from targets.models import Report
from targets.services import period_open

pytestmark = pytest.mark.django_db
Kind = AssessmentItem.Kind

ITEMS = [
    ItemInput(Kind.REPORT_LATE, "按时报送", Decimal(20), Decimal(5)),
    ItemInput(Kind.REPORT_MISSING, "报送", Decimal(20), Decimal(10)),
    ItemInput(Kind.REPORT_RETURNED, "报告质量", Decimal(10), Decimal(3)),
    ItemInput(Kind.FOLLOWUP_OVERDUE, "督办办结", Decimal(30), Decimal(8)),
    ItemInput(Kind.FOLLOWUP_CLOSED_LATE, "督办时效", Decimal(10), Decimal(2)),
    ItemInput(Kind.TARGET_BEHIND, "指标进度", Decimal(10), Decimal(2)),
]


@pytest.fixture
def year_2025(policy, users):
    """2025: H1 — unit_a on time, another unit (unit_b here) late and returned once; H2 — nobody
    reported; one follow-up item of unit_a overdue."""
    h1, _ = period_open(plan=policy, year=2025, half=1)
    h2, _ = period_open(plan=policy, year=2025, half=2, due_date=dt.date(2026, 1, 15))
    unit_a = users["unit_a"].member_unit
    unit_b = h1.reports.exclude(unit=unit_a).order_by("unit__order").first().unit
    on_time = timezone.make_aware(dt.datetime(2025, 7, 10, 9))
    late = timezone.make_aware(dt.datetime(2025, 7, 20, 9))
    Report.objects.filter(period=h1, unit=unit_a).update(
        status=Report.Status.ACCEPTED, first_submitted_at=on_time, submitted_at=on_time
    )
    Report.objects.filter(period=h1, unit=unit_b).update(
        status=Report.Status.ACCEPTED, first_submitted_at=late, submitted_at=late, return_count=1
    )
    with time_machine.travel(dt.datetime(2025, 3, 3, 10, tzinfo=dt.UTC), tick=False):
        work_plan_task(users["office"], lead=unit_a, deadline=dt.date(2025, 5, 30), title="制定品牌培育办法")
    return {"h1": h1, "h2": h2, "unit_a": unit_a, "unit_b": unit_b}


def _row(rows, unit):
    return next(r for r in rows if r["unit"] == unit)


def test_scores_follow_the_schemes_rules_with_evidence(year_2025, users):
    scheme = scheme_save(year=2025, note="", items=ITEMS, by=users["office"])
    rows = assessment_compute(scheme=scheme, today=dt.date(2026, 2, 1))
    a, b = _row(rows, year_2025["unit_a"]), _row(rows, year_2025["unit_b"])
    items_a = {i["kind"]: i for i in a["items"]}
    items_b = {i["kind"]: i for i in b["items"]}
    # unit_a: H2 missing (-10), one follow-up item overdue (-8)
    assert items_a[Kind.REPORT_MISSING]["count"] == 1 and items_a[Kind.REPORT_MISSING]["score"] == "10"
    assert items_a[Kind.FOLLOWUP_OVERDUE]["count"] == 1
    assert "制定品牌培育办法" in items_a[Kind.FOLLOWUP_OVERDUE]["evidence"][0]
    assert "逾期" in items_a[Kind.FOLLOWUP_OVERDUE]["evidence"][0]
    # unit_b: H1 late by 5 days (-5), returned once (-3), H2 missing (-10)
    assert "逾期 5 天" in items_b[Kind.REPORT_LATE]["evidence"][0]
    assert items_b[Kind.REPORT_RETURNED]["deducted"] == "3"
    target_deduction = Decimal(items_b[Kind.TARGET_BEHIND]["deducted"])
    assert b["score"] == Decimal(100) - 5 - 3 - 10 - target_deduction
    assert a["score"] == Decimal(100) - 10 - 8 - Decimal(items_a[Kind.TARGET_BEHIND]["deducted"])


def test_a_deduction_never_goes_below_zero_for_an_item(year_2025, users):
    items = [ItemInput(Kind.REPORT_MISSING, "报送", Decimal(5), Decimal(10))]
    scheme = scheme_save(year=2025, note="", items=items, by=users["office"])
    row = _row(assessment_compute(scheme=scheme, today=dt.date(2026, 2, 1)), year_2025["unit_a"])
    assert row["items"][0]["deducted"] == "5" and row["score"] == 0


def test_equal_scores_share_a_rank(year_2025, users):
    items = [ItemInput(Kind.REPORT_RETURNED, "报告质量", Decimal(10), Decimal(3))]
    scheme = scheme_save(year=2025, note="", items=items, by=users["office"])
    rows = assessment_compute(scheme=scheme, today=dt.date(2026, 2, 1))
    full = [r for r in rows if r["score"] == 10]
    assert len(full) > 2 and {r["rank"] for r in full} == {1}
    assert _row(rows, year_2025["unit_b"])["rank"] == len(full) + 1


@pytest.mark.parametrize(
    "items, message",
    [
        ([], "至少要有一个"),
        ([ITEMS[0], ITEMS[0]], "只能设一个"),
        ([ItemInput(Kind.REPORT_LATE, "x", Decimal(0), Decimal(1))], "0.1 至 100"),
        (
            [
                ItemInput(Kind.REPORT_LATE, "x", Decimal(60), Decimal(1)),
                ItemInput(Kind.REPORT_MISSING, "y", Decimal(50), Decimal(1)),
            ],
            "不能超过 100",
        ),
        ([ItemInput("bogus", "x", Decimal(10), Decimal(1))], "情形无效"),
    ],
)
def test_bad_schemes_are_refused_and_change_nothing(users, items, message):
    with pytest.raises(AssessmentError, match=message):
        scheme_save(year=2025, note="", items=items, by=users["office"])
    assert not AssessmentScheme.objects.exists() and not AssessmentItem.objects.exists()


def test_the_office_sets_the_scheme_in_one_form(client, year_2025, users):
    client.force_login(users["office"])
    url = reverse("assessment:scheme", args=[2025])
    page = client.get(url)
    assert page.status_code == 200 and page.content.decode().count('name="items-') >= 6 * 4
    data = {"items-TOTAL_FORMS": "2", "items-INITIAL_FORMS": "0", "note": "按季度通报"}
    data |= {
        "items-0-kind": "report_late",
        "items-0-name": "按时报送",
        "items-0-weight": "40",
        "items-0-deduction": "5",
    }
    data |= {
        "items-1-kind": "report_missing",
        "items-1-name": "",
        "items-1-weight": "",
        "items-1-deduction": "",
    }
    assert client.post(url, data).status_code == 302
    scheme = AssessmentScheme.objects.get(year=2025)
    assert list(scheme.items.values_list("kind", "weight")) == [("report_late", Decimal(40))]
    bad = data | {"items-0-weight": "一百"}
    response = client.post(url, bad)
    assert response.status_code == 400 and "不是数字" in response.content.decode()
    assert scheme.items.get().weight == 40


def test_publication_freezes_scores_and_each_unit_sees_only_its_own(client, year_2025, users):
    scheme = scheme_save(year=2025, note="", items=ITEMS, by=users["office"])
    client.force_login(users["unit_a"])
    assert "暂无已发布" in client.get(reverse("assessment:mine")).content.decode()  # not before
    with pytest.raises(AssessmentError, match="只有办公室主任"):
        scheme_publish(scheme=scheme, by=users["office"])
    n = scheme_publish(scheme=scheme, by=users["approver"], today=dt.date(2026, 2, 1))
    assert n == AssessmentResult.objects.filter(scheme=scheme).count() > 2
    with pytest.raises(AssessmentError, match="已发布"):
        scheme_publish(scheme=scheme, by=users["approver2"])
    with pytest.raises(AssessmentError, match="不能再修改"):
        scheme_save(year=2025, note="", items=ITEMS[:1], by=users["office"])
    assert scheme.items.count() == len(ITEMS)
    assert Notification.objects.filter(
        occasion__startswith="assessment:2025:published:", recipient=users["unit_a"]
    ).exists()
    body = client.get(reverse("assessment:mine")).content.decode()
    mine = AssessmentResult.objects.get(scheme=scheme, unit=year_2025["unit_a"])
    assert f"{mine.score} 分，第 {mine.rank} 名" in body and "制定品牌培育办法" in body
    content = body.split("<main", 1)[-1].split("</main>")[0]
    assert year_2025["unit_b"].name not in content  # no other unit's score or name
    assert content.count("分，第") == 1
    # frozen: later facts do not change a published score
    Report.objects.filter(period=year_2025["h2"], unit=year_2025["unit_a"]).update(
        status=Report.Status.SUBMITTED,
        first_submitted_at=timezone.make_aware(dt.datetime(2026, 1, 10, 9)),
    )
    client.force_login(users["office"])
    page = client.get(reverse("assessment:scheme", args=[2025])).content.decode()
    assert "已发布" in page and 'id="scheme-form"' not in page
    assert AssessmentResult.objects.get(pk=mine.pk).score == mine.score


def test_exports_hold_the_scores_and_the_evidence(client, year_2025, users):
    scheme_save(year=2025, note="", items=ITEMS, by=users["office"])
    client.force_login(users["office"])
    response = client.get(reverse("assessment:export_xlsx", args=[2025]))
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["考核得分", "扣分依据", "考核方案"]
    evidence = [row[3].value for row in wb["扣分依据"].iter_rows(min_row=2)]
    assert any("制定品牌培育办法" in (v or "") for v in evidence)
    doc = Document(io.BytesIO(client.get(reverse("assessment:export_docx", args=[2025])).content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "监政发〔2022〕1号" in text and "三（三）" in text and "名次并列" in text
    assert len(doc.tables) == 3


def test_access(client, users, year_2025):
    scheme_save(year=2025, note="", items=ITEMS, by=users["office"])
    client.force_login(users["unit_a"])
    for name in ("assessment:scheme", "assessment:export_xlsx", "assessment:export_docx"):
        assert client.get(reverse(name, args=[2025])).status_code == 403
    assert client.post(reverse("assessment:publish", args=[2025])).status_code == 403
    client.force_login(users["office"])
    assert client.post(reverse("assessment:publish", args=[2025])).status_code == 403
    assert client.get(reverse("assessment:mine")).status_code == 403
    assert not AssessmentScheme.objects.get(year=2025).is_published


def test_the_old_raw_count_page_leads_to_the_scored_assessment(client, users):
    client.force_login(users["office"])
    response = client.get("/meetings/assessment/")
    assert response.status_code == 302 and response["Location"] == reverse("assessment:index")
    assert client.get("/meetings/assessment/export.xlsx").status_code == 404
    client.force_login(users["unit_a"])
    assert client.get("/meetings/assessment/").status_code == 403


def test_the_admin_lists_schemes_policy_documents_and_calendar_years(client, users):
    scheme_save(year=2025, note="", items=ITEMS[:1], by=users["office"])
    client.force_login(users["admin"])
    for name in (
        "admin:assessment_assessmentscheme_changelist",
        "admin:assessment_assessmentresult_changelist",
        "admin:core_policydocument_changelist",
        "admin:core_calendaryear_changelist",
    ):
        assert client.get(reverse(name)).status_code == 200, name
    scheme = AssessmentScheme.objects.get()
    assert (
        client.get(reverse("admin:assessment_assessmentscheme_change", args=[scheme.pk])).status_code == 200
    )
