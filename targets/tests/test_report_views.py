"""The report pages: who may open what, filling and submitting, review, and bad input of every kind."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from targets.models import Report, ReportingPeriod, ReportTargetLine, Statistic
from targets.services import report_accept, report_submit

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n"


def form_data(report, **overrides):
    """POST data filling every line of ``report`` correctly, with ``overrides`` by field name."""
    data = {"summary": "总体推进顺利", "action": "save"}
    for line in report.target_lines.select_related("target"):
        p = f"t{line.target_id}_"
        data |= {
            p + "value": "95",
            p + "stat_date": "2025-06-30",
            p + "source": "业务主管部门台账",
            p + "note": "",
        }
    for line in report.measure_lines.all():
        p = f"m{line.measure_id}_"
        data |= {p + "progress": "按计划推进", p + "problems": "", p + "next_steps": "继续"}
    data.update(overrides)
    return data


def t04(report):
    return report.target_lines.get(target__code="T04")


# --- access ---------------------------------------------------------------------------------------


def test_report_page_access_matrix(client, report_a, users, market_user):
    url = report_a.get_absolute_url()
    assert client.get(url).status_code == 302  # anonymous → login
    for name, expected in [
        ("unit_a", 200),
        ("office", 200),
        ("approver", 200),
        ("enterprise_a", 403),
        ("admin", 403),
    ]:
        client.force_login(users[name])
        assert client.get(url).status_code == expected, name
    client.force_login(market_user)  # same role, other unit
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "name",
    ["report_history", "report_template", "report_upload", "report_submit"],
)
def test_another_units_report_is_404_on_every_report_url(client, report_a, market_user, name):
    client.force_login(market_user)
    url = reverse(f"targets:{name}", args=[report_a.pk])
    response = client.post(url) if name == "report_submit" else client.get(url)
    assert response.status_code == 404


def test_tampered_report_id_in_a_post_changes_nothing(client, report_a, report_market, market_user):
    client.force_login(market_user)
    response = client.post(report_a.get_absolute_url(), form_data(report_a))
    assert response.status_code == 404
    assert t04(report_a).value is None


def test_office_review_urls_refuse_member_units_and_enterprises(client, report_a, users):
    for name in ("unit_a", "enterprise_a"):
        client.force_login(users[name])
        for action in ("report_return", "report_accept"):
            assert client.post(reverse(f"targets:{action}", args=[report_a.pk])).status_code == 403


def test_unit_sees_only_its_own_reports_in_the_list(client, report_a, report_market, users):
    client.force_login(users["unit_a"])
    response = client.get(reverse("targets:report_list"))
    assert [r["pk"] for r in response.context["page_obj"]] == [report_a.pk]


# --- fill, save, submit ---------------------------------------------------------------------------


def test_unit_saves_a_draft_then_submits(client, report_a, users):
    client.force_login(users["unit_a"])
    response = client.post(report_a.get_absolute_url(), form_data(report_a))
    assert response.status_code == 302
    report_a.refresh_from_db()
    assert report_a.status == Report.Status.DRAFT and t04(report_a).value == Decimal("95")
    response = client.post(report_a.get_absolute_url(), form_data(report_a, action="submit"), follow=True)
    assert "报告已提交" in response.content.decode()
    report_a.refresh_from_db()
    assert report_a.status == Report.Status.SUBMITTED


def test_submit_page_shows_the_timeliness_rule(client, report_a, users):
    client.force_login(users["unit_a"])
    assert "以首次提交时间为准" in client.get(report_a.get_absolute_url()).content.decode()


def test_evidence_upload_and_permission_checked_download(client, report_a, users, market_user):
    client.force_login(users["unit_a"])
    line = t04(report_a)
    evidence = SimpleUploadedFile("抽检报告.pdf", PDF, content_type="application/pdf")
    data = form_data(report_a) | {f"t{line.target_id}_evidence": evidence}
    assert client.post(report_a.get_absolute_url(), data).status_code == 302
    line.refresh_from_db()
    assert line.evidence_name == "抽检报告.pdf"
    url = reverse("targets:evidence", args=[line.pk])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(market_user)
    assert client.get(url).status_code == 404
    client.force_login(users["enterprise_a"])
    assert client.get(url).status_code == 403


# --- bad input: clear Chinese message, nothing saved ----------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "不是数字"),
        ("-3", "不能为负数"),
        ("101", "不能超过 100%"),
        ("1e999", "过大"),
        ("NaN", "不是数字"),
        ("=1+1", "不是数字"),
    ],
)
def test_bad_values_are_refused_with_a_chinese_message(client, report_a, users, value, message):
    client.force_login(users["unit_a"])
    line = t04(report_a)
    response = client.post(
        report_a.get_absolute_url(), form_data(report_a, **{f"t{line.target_id}_value": value})
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ReportTargetLine.objects.filter(report=report_a, value__isnull=False).exists()
    assert Report.objects.get(pk=report_a.pk).status == Report.Status.NOT_STARTED


def test_a_date_outside_the_period_is_refused(client, report_a, users):
    client.force_login(users["unit_a"])
    line = t04(report_a)
    response = client.post(
        report_a.get_absolute_url(), form_data(report_a, **{f"t{line.target_id}_stat_date": "2025-07-01"})
    )
    assert response.status_code == 400
    assert "不在本期" in response.content.decode()
    assert t04(report_a).value is None


def test_formula_text_is_refused(client, report_a, users):
    client.force_login(users["unit_a"])
    line = t04(report_a)
    response = client.post(
        report_a.get_absolute_url(), form_data(report_a, **{f"t{line.target_id}_source": '=HYPERLINK("x")'})
    )
    assert response.status_code == 400
    assert "疑似公式" in response.content.decode()
    assert t04(report_a).source == ""


def test_evidence_that_is_not_pdf_or_image_is_refused(client, report_a, users):
    client.force_login(users["unit_a"])
    line = t04(report_a)
    fake = SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(
        report_a.get_absolute_url(), form_data(report_a) | {f"t{line.target_id}_evidence": fake}
    )
    assert response.status_code == 400
    assert "不是允许的格式" in response.content.decode()
    assert not t04(report_a).evidence


def test_cumulative_value_below_the_last_accepted_one_is_refused(client, report_a, users, policy):
    Statistic.objects.create(
        target=policy.targets.get(code="T16"),
        value=30,
        as_of=dt.date(2024, 12, 31),
        source="x",
        origin="import",
    )
    client.force_login(users["unit_a"])
    line = report_a.target_lines.get(target__code="T16")
    response = client.post(
        report_a.get_absolute_url(), form_data(report_a, **{f"t{line.target_id}_value": "20"})
    )
    assert response.status_code == 400
    assert "累计指标" in response.content.decode()


def test_submit_on_an_accepted_report_is_refused_with_a_message(client, report_a, users, fill):
    fill(report_a, users["unit_a"])
    report_submit(report=report_a, by=users["unit_a"])
    report_accept(report=report_a, by=users["office"])
    client.force_login(users["unit_a"])
    response = client.post(reverse("targets:report_submit", args=[report_a.pk]), follow=True)
    assert "已采纳，不能再次提交" in response.content.decode()
    response = client.post(report_a.get_absolute_url(), form_data(report_a, action="submit"), follow=True)
    assert "不能修改" in response.content.decode()
    report_a.refresh_from_db()
    assert report_a.status == Report.Status.ACCEPTED and t04(report_a).value == Decimal("50")
    assert Statistic.objects.filter(target__code="T04").count() == 1


def test_accepted_report_page_is_read_only_for_the_unit(client, report_a, users, fill):
    fill(report_a, users["unit_a"])
    report_submit(report=report_a, by=users["unit_a"])
    report_accept(report=report_a, by=users["office"])
    client.force_login(users["unit_a"])
    response = client.get(report_a.get_absolute_url())
    assert response.context["form"] is None and "内容只读" in response.content.decode()


# --- office review ------------------------------------------------------------------------------


def test_office_returns_with_a_comment_and_accepts(client, report_a, report_market, users, fill, market_user):
    for report, user in ((report_a, users["unit_a"]), (report_market, market_user)):
        fill(report, user)
        report_submit(report=report, by=user)
    client.force_login(users["office"])
    response = client.post(reverse("targets:report_return", args=[report_a.pk]), {"comment": ""}, follow=True)
    assert "必须填写退回意见" in response.content.decode()
    assert Report.objects.get(pk=report_a.pk).status == Report.Status.SUBMITTED
    client.post(reverse("targets:report_return", args=[report_a.pk]), {"comment": "请补充来源"})
    client.post(reverse("targets:report_accept", args=[report_market.pk]))
    assert Report.objects.get(pk=report_a.pk).status == Report.Status.RETURNED
    assert Report.objects.get(pk=report_market.pk).status == Report.Status.ACCEPTED
    client.force_login(users["unit_a"])
    assert "请补充来源" in client.get(report_a.get_absolute_url()).content.decode()


def test_history_page_lists_who_changed_what(client, report_a, users):
    client.force_login(users["unit_a"])
    client.post(report_a.get_absolute_url(), form_data(report_a))
    client.post(
        report_a.get_absolute_url(), form_data(report_a, **{f"t{t04(report_a).target_id}_value": "96"})
    )
    response = client.get(reverse("targets:report_history", args=[report_a.pk]))
    body = response.content.decode()
    assert '实际值：<span class="muted">95.00</span> → 96.00' in body
    assert users["unit_a"].display_name in body


def test_office_backfills_through_the_page(client, policy, users, clock):
    client.force_login(users["office"])
    page = client.get(reverse("targets:period_history")).content.decode()
    assert "历史补录：往期进度报告" in page and "逐条录入" in page and "从 Excel 批量导入" in page
    response = client.post(reverse("targets:period_history"), {"plan": policy.pk, "year": 2023, "half": 1})
    assert response.status_code == 302
    assert ReportingPeriod.objects.get(year=2023, half=1).backfilled
    assert "2023年上半年" in client.get(reverse("targets:period_history")).content.decode()
    # the current page's form no longer opens past periods as 补录 (one way: the history page)
    client.post(
        reverse("targets:period_open"), {"plan": policy.pk, "year": 2023, "half": 2, "backfilled": "on"}
    )
    assert not ReportingPeriod.objects.filter(year=2023, half=2, backfilled=True).exists()
    report = Report.objects.get(period__year=2023, unit=users["unit_a"].member_unit)
    data = form_data(report, action="backfill")
    for key in list(data):
        if key.endswith("_stat_date"):
            data[key] = "2023-06-30"
    assert client.post(report.get_absolute_url(), data).status_code == 302
    report.refresh_from_db()
    assert report.status == Report.Status.ACCEPTED and report.backfilled
    client.force_login(users["unit_a"])
    assert client.post(report.get_absolute_url(), data).status_code == 302  # message, not a change
    assert Statistic.objects.filter(target__code="T04").count() == 1


def test_report_page_needs_a_bounded_number_of_queries(
    client, report_market, market_user, django_assert_max_num_queries
):
    # 市市场监管局 owns most targets and measures of the plan: the largest report
    client.force_login(market_user)
    with django_assert_max_num_queries(25):
        assert client.get(report_market.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("targets:report_history", args=[report_market.pk])).status_code == 200


def test_report_page_lists_the_units_open_followups(client, report_a, users, monkeypatch):
    from types import SimpleNamespace

    from targets import selectors

    item = SimpleNamespace(title="制定区域品牌管理办法", deadline=dt.date(2025, 10, 31))
    followup = SimpleNamespace(item=item, get_absolute_url=lambda: "/meetings/followups/7/")
    monkeypatch.setattr(
        selectors, "open_followups", lambda unit_id: [followup] if unit_id == report_a.unit_id else []
    )
    client.force_login(users["unit_a"])
    body = client.get(report_a.get_absolute_url()).content.decode()
    assert "制定区域品牌管理办法" in body and "/meetings/followups/7/" in body


def test_open_followups_reads_the_meetings_app_without_error(report_a):
    from targets import selectors

    assert selectors.open_followups(unit_id=report_a.unit_id) == []
