"""Issue 16 point 6: a year's working-day arrangement in one form or one xlsx; warnings; 未确认."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from awards.reminders import collect
from awards.tests.factories import ApplicationFactory
from core.calendar import (
    Holiday,
    MakeUpDay,
    calendar_year_check,
    calendar_year_set,
    next_year_unknown,
    parse_lines,
    year_known,
)
from core.errors import ServiceError
from core.models import CalendarDay, CalendarYear, ImportBatch
from core.templatetags.workdays import unconfirmed
from core.workdays import add_workdays, is_workday
from meetings.services import meeting_draft_for_term

pytestmark = pytest.mark.django_db

HOLIDAYS_2027 = (
    "2027-01-01 至 2027-01-03 元旦\n2027-02-06 至 2027-02-12 春节\n2027-10-01 至 2027-10-07 国庆节"
)
WORKDAYS_2027 = "2027-02-14 春节调休上班\n2027-10-09 国庆调休上班"


def _post(client, **overrides):
    data = {
        "year": "2027",
        "source": "国办发明电〔2026〕1号",
        "holidays": HOLIDAYS_2027,
        "workdays": WORKDAYS_2027,
    }
    return client.post(reverse("core:calendar"), data | overrides)


def test_2027_is_unknown_until_the_office_enters_it(users):
    assert not year_known(2027)
    assert is_workday(dt.date(2027, 1, 1))  # a Friday, guessed as working day: hence 未确认
    assert unconfirmed(dt.date(2027, 1, 4)) == "（未确认）" and unconfirmed(dt.date(2026, 5, 6)) == ""


def test_the_office_enters_a_year_in_one_form(client, users):
    client.force_login(users["office"])
    assert client.get(reverse("core:calendar"), {"year": 2027}).status_code == 200
    assert _post(client).status_code == 302
    assert year_known(2027) and CalendarYear.objects.get(year=2027).confirmed_by == users["office"]
    assert not is_workday(dt.date(2027, 1, 1)) and not is_workday(dt.date(2027, 2, 8))
    assert is_workday(dt.date(2027, 2, 14))  # a Sunday, made up
    assert CalendarDay.objects.filter(date__year=2027, is_workday=False).count() == 3 + 7 + 7
    # 5 working days from 2027-09-29 skip the National Day week and count the make-up Saturday
    assert add_workdays(dt.date(2027, 9, 29), 3) == dt.date(2027, 10, 9)
    assert unconfirmed(dt.date(2027, 1, 4)) == ""
    # the page shows what was entered, ready to correct
    page = client.get(reverse("core:calendar"), {"year": 2027}).content.decode()
    assert "2027-02-06 至 2027-02-12 春节" in page


def test_entering_the_year_again_replaces_it(client, users):
    client.force_login(users["office"])
    _post(client)
    _post(client, holidays="2027-01-01 元旦", workdays="")
    assert list(CalendarDay.objects.filter(date__year=2027).values_list("date", flat=True)) == [
        dt.date(2027, 1, 1)
    ]


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"holidays": "元旦放三天"}, "看不懂"),
        ({"holidays": "2027-13-01 元旦"}, "不存在"),
        ({"holidays": "2027-02-30 春节"}, "不存在"),
        ({"holidays": "2028-01-01 元旦"}, "不在 2027 年内"),
        ({"holidays": "2027-01-03 至 2027-01-01 元旦"}, "早于开始日期"),
        ({"holidays": "2027-01-01 至 2027-01-03 元旦\n2027-01-03 补"}, "重复出现"),
        ({"workdays": "2027-01-02 调休"}, "既是放假日又是调休上班日"),
        ({"workdays": "2027-02-15 调休"}, "应为周末"),
        ({"holidays": ""}, "至少填写一个放假安排"),
        ({"workdays": "2027-02-13 至 2027-02-14 调休"}, "每行只写一天"),
    ],
)
def test_bad_arrangements_are_refused_and_change_nothing(client, users, overrides, message):
    CalendarDay.objects.create(date=dt.date(2027, 5, 3), is_workday=False, note="旧")
    client.force_login(users["office"])
    response = _post(client, **overrides)
    assert response.status_code == 400 and message in response.content.decode()
    assert list(CalendarDay.objects.values_list("note", flat=True)) == ["旧"]
    assert not CalendarYear.objects.exists()


def _xlsx(rows) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(["类型", "开始日期", "结束日期", "说明"])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(
        "2027.xlsx",
        buf.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def test_the_year_can_be_uploaded_as_xlsx(client, users):
    client.force_login(users["office"])
    upload = _xlsx(
        [["放假", dt.date(2027, 1, 1), dt.date(2027, 1, 3), "元旦"], ["上班", "2027-02-14", None, "调休"]]
    )
    response = client.post(reverse("core:calendar"), {"year": "2027", "source": "通知", "file": upload})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "core:import_preview", args=[batch.pk]
    )
    assert is_workday(dt.date(2027, 1, 1))  # a Friday: nothing changed before the preview is confirmed
    page = client.get(response["Location"]).content.decode()
    assert "元旦" in page and "2027-02-14" in page
    response = client.post(reverse("core:import_confirm", args=[batch.pk]), follow=True)
    assert "已保存2027年工作日历" in response.content.decode()
    assert not is_workday(dt.date(2027, 1, 2)) and is_workday(dt.date(2027, 2, 14))
    bad = _xlsx([["休息", dt.date(2027, 1, 1), None, "x"]])
    response = client.post(reverse("core:calendar"), {"year": "2027", "source": "通知", "file": bad})
    assert response.status_code == 400 and "应为“放假”或“上班”" in response.content.decode()
    assert CalendarDay.objects.filter(date__year=2027).count() == 4  # unchanged by the bad file
    assert ImportBatch.objects.count() == 1  # nothing stored for it either


def test_the_service_refuses_a_year_out_of_range(users):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        calendar_year_set(
            year=1999,
            holidays=[Holiday(dt.date(1999, 1, 1), dt.date(1999, 1, 1), "")],
            workdays=[],
            source="",
            by=users["office"],
        )
    with pytest.raises(ValidationError, match="不在 2027"):
        calendar_year_set(
            year=2027,
            holidays=[Holiday(dt.date(2027, 1, 1), dt.date(2027, 1, 1), "")],
            workdays=[MakeUpDay(dt.date(2026, 12, 26), "")],
            source="",
            by=users["office"],
        )
    assert not CalendarDay.objects.exists()


def test_from_october_the_workbench_warns_when_next_year_is_unknown(client, users):
    assert next_year_unknown(dt.date(2026, 9, 30)) is None
    assert next_year_unknown(dt.date(2026, 10, 1)) == 2027
    client.force_login(users["office"])
    with time_machine.travel(dt.datetime(2026, 10, 8, 9, tzinfo=dt.UTC), tick=False):
        body = client.get(reverse("core:workbench")).content.decode()
        assert 'id="calendar-warning"' in body and "2027年的节假日安排尚未录入" in body
        _post(client)
        assert 'id="calendar-warning"' not in client.get(reverse("core:workbench")).content.decode()


def test_only_the_office_edits_the_calendar(client, users):
    client.force_login(users["unit_a"])
    assert client.get(reverse("core:calendar")).status_code == 403
    assert _post(client).status_code == 403
    assert not CalendarDay.objects.exists()


def test_meeting_dates_computed_in_an_unknown_year_are_marked_unconfirmed_until_it_is_entered(client, users):
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC), tick=False):
        first, _ = meeting_draft_for_term(year=2027, half=1)
        meeting_draft_for_term(year=2026, half=2)  # a known year: no mark
        client.force_login(users["office"])
        detail = client.get(first.get_absolute_url()).content.decode()
        assert detail.count("（未确认）") == 3  # heading, 计划召开, 议题征集截止
        with CaptureQueriesContext(connection) as one:
            listing = client.get(reverse("meetings:meeting_list")).content.decode()
        assert listing.count("（未确认）") == 2  # the 2027 meeting's two dates, not 2026's
        meeting_draft_for_term(year=2027, half=2)
        with CaptureQueriesContext(connection) as two:
            assert client.get(reverse("meetings:meeting_list")).content.decode().count("（未确认）") == 4
        assert len(two) == len(one)  # the year is looked up once per request, not per row
        _post(client)
        assert "（未确认）" not in client.get(first.get_absolute_url()).content.decode()
        assert "（未确认）" not in client.get(reverse("meetings:meeting_list")).content.decode()


def test_review_reminders_counted_in_an_unknown_year_say_so(users):
    submitted = timezone.make_aware(dt.datetime(2027, 1, 4, 10))
    ApplicationFactory(submitted_at=submitted)
    (reminder,) = list(collect(dt.date(2027, 2, 1)))
    assert "2027年节假日安排尚未录入" in reminder.body and "未确认" in reminder.body
    calendar_year_set(
        year=2027,
        holidays=[Holiday(dt.date(2027, 1, 1), dt.date(2027, 1, 3), "元旦")],
        workdays=[],
        source="",
        by=users["office"],
    )
    (reminder,) = list(collect(dt.date(2027, 2, 1)))
    assert "未确认" not in reminder.body


@pytest.mark.parametrize(
    "year,holidays,workdays,code",
    [
        (1999, [Holiday(dt.date(1999, 1, 1), dt.date(1999, 1, 1), "")], [], "bad_year"),
        (2027, [], [], "no_holidays"),
        (2027, [Holiday(dt.date(2027, 1, 3), dt.date(2027, 1, 1), "元旦")], [], "end_before_start"),
        (
            2027,
            [Holiday(dt.date(2027, 1, 1), dt.date(2027, 1, 1), "")],
            [MakeUpDay(dt.date(2027, 1, 4), "")],
            "not_weekend",
        ),
        (
            2027,
            [Holiday(dt.date(2027, 1, 1), dt.date(2027, 1, 1), "")],
            [MakeUpDay(dt.date(2026, 12, 26), "")],
            "other_year",
        ),
    ],
)
def test_each_calendar_rule_refuses_with_its_code(year, holidays, workdays, code):
    with pytest.raises(ServiceError) as excinfo:
        calendar_year_check(year=year, holidays=holidays, workdays=workdays)
    assert excinfo.value.code == code


def test_an_unreadable_line_is_refused_with_its_code():
    with pytest.raises(ServiceError) as excinfo:
        parse_lines("元旦放假三天", ranges=True)
    assert excinfo.value.code == "bad_line"
    assert excinfo.value.messages == ["第 1 行“元旦放假三天”看不懂，请写成“2027-01-01 至 2027-01-03 元旦”。"]
