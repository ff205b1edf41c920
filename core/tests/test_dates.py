import datetime as dt

from django.template import Context, Template
from django.utils import timezone

from core.dates import cn_date, table_date

UTC_EVENING = dt.datetime(2026, 12, 1, 18, 30, tzinfo=dt.UTC)  # 2026-12-02 02:30 in Shanghai


def test_prose_date_has_no_leading_zeros():
    assert cn_date(dt.date(2026, 12, 2)) == "2026年12月2日"
    assert cn_date(dt.date(2026, 3, 1)) == "2026年3月1日"


def test_datetimes_are_written_in_shanghai_time_not_utc():
    assert cn_date(UTC_EVENING) == "2026年12月2日 02:30"
    assert cn_date(UTC_EVENING, with_time=False) == "2026年12月2日"
    assert table_date(UTC_EVENING) == "2026-12-02 02:30"
    assert table_date(UTC_EVENING, with_time=False) == "2026-12-02"


def test_dense_table_date():
    assert table_date(dt.date(2026, 3, 1)) == "2026-03-01"


def test_empty_values_render_as_nothing():
    assert cn_date(None) == "" and table_date(None) == ""


def test_template_filters_are_built_in_and_localise():
    rendered = Template(
        "{{ d|cn_date }}|{{ t|cn_date }}|{{ t|cn_date:'day' }}|{{ t|table_date }}|{{ d|table_date }}"
    ).render(Context({"d": dt.date(2026, 12, 1), "t": UTC_EVENING}))
    assert rendered == "2026年12月1日|2026年12月2日 02:30|2026年12月2日|2026-12-02 02:30|2026-12-01"


def test_default_rendering_of_dates_matches_the_prose_style():
    rendered = Template("{{ d }}|{{ t }}").render(Context({"d": dt.date(2026, 12, 1), "t": UTC_EVENING}))
    assert rendered == "2026年12月1日|2026年12月2日 02:30"
    assert timezone.get_current_timezone_name() == "Asia/Shanghai"
