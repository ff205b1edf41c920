"""Issue 19 point 7: the report list filters (django-filter), sorts by column, and exports what it shows."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def _units_on_page(response):
    return [r["unit__name"] for r in response.context["page_obj"]]


def test_office_filters_reports_by_unit_and_free_text(client, period, users):
    client.force_login(users["office"])
    unit = users["unit_a"].member_unit
    response = client.get(reverse("targets:report_list"), {"unit": unit.pk})
    assert set(_units_on_page(response)) == {unit.name}
    response = client.get(reverse("targets:report_list"), {"q": "农业农村"})
    assert set(_units_on_page(response)) == {"市农业农村局"}


def test_columns_sort_both_ways(client, period, users):
    client.force_login(users["office"])
    ascending = _units_on_page(client.get(reverse("targets:report_list"), {"o": "unit"}))
    descending = _units_on_page(client.get(reverse("targets:report_list"), {"o": "-unit"}))
    assert len(ascending) > 1 and ascending == list(reversed(descending))
    body = client.get(reverse("targets:report_list"), {"o": "unit"}).content.decode()
    assert "o=-unit" in body  # the header now offers the other direction


def test_bad_filter_input_says_so_and_lists_nothing_wrong(client, period, users):
    client.force_login(users["office"])
    response = client.get(reverse("targets:report_list"), {"year": "二〇二五"})
    assert response.status_code == 200
    assert "筛选条件有误" in response.content.decode()


def test_export_holds_exactly_the_filtered_rows_with_page_words(client, period, users):
    client.force_login(users["office"])
    unit = users["unit_a"].member_unit
    response = client.get(reverse("targets:report_list_export"), {"unit": unit.pk})
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[2] for r in rows] == [unit.name]
    assert rows[0][0] == "2025年上半年" and rows[0][3] == "未开始"
    assert ws.cell(row=2, column=6).is_date  # 报送截止 as a date cell


def test_a_unit_sees_only_its_own_reports_whatever_it_asks(client, period, users):
    client.force_login(users["unit_a"])
    other = users["unit_b"].member_unit
    response = client.get(reverse("targets:report_list"), {"unit": other.pk})
    assert set(_units_on_page(response)) <= {users["unit_a"].member_unit.name}
    assert client.get(reverse("targets:report_list_export")).status_code == 403


def test_the_list_rows_say_what_the_reports_say_in_every_state(period, users):
    """The list's rows (values, no models) show each report's status, badge and timeliness as the
    report's own ``timeliness`` and the matrix badge give them, and 填报 only where the unit may edit."""
    import datetime as dt

    from django.utils import timezone

    from targets.models import Report
    from targets.rows import report_rows
    from targets.selectors import REPORT_ROW_FIELDS, matrix_cell

    due = period.due_date
    late = timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=1), dt.time(9)))
    in_time = timezone.make_aware(dt.datetime.combine(due, dt.time(23, 30)))
    states = [
        {"status": Report.Status.ACCEPTED, "first_submitted_at": in_time},
        {"status": Report.Status.SUBMITTED, "first_submitted_at": late},
        {"status": Report.Status.RETURNED, "first_submitted_at": in_time},
        {"status": Report.Status.DRAFT, "first_submitted_at": None},
        {"status": Report.Status.ACCEPTED, "first_submitted_at": late, "backfilled": True},
    ]
    reports = list(Report.objects.filter(period=period).order_by("id")[: len(states)])
    for report, state in zip(reports, states, strict=True):
        Report.objects.filter(pk=report.pk).update(**state)
    ids = [r.pk for r in reports]
    for today in (due, due + dt.timedelta(days=3)):  # before and after the due date
        values = list(Report.objects.filter(pk__in=ids).order_by("id").values(*REPORT_ROW_FIELDS))
        models = list(Report.objects.filter(pk__in=ids).order_by("id").select_related("period", "unit"))
        for is_office in (True, False):
            for row, report in zip(report_rows(values, today, is_office=is_office), models, strict=True):
                cell = matrix_cell(report, today)
                assert f'<span class="badge badge-{cell["colour"]}">{cell["timeliness_label"]}</span>' in row
                assert f"<td>{report.get_status_display()}</td>" in row and str(report.period) in row
                assert (">填报<" in row) is (not is_office and report.is_editable_by_unit)
                assert (f"<td>{report.unit.name}</td>" in row) is is_office
