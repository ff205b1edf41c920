"""The whole-page cache for logged-in users (core.pagecache): fast repeat visits, never a stale page."""

import datetime as dt
from unittest import mock

import pytest
from django.db import connection, transaction
from django.urls import reverse

from committee.models import MemberUnit
from core import pagecache
from notifications.models import Notification

pytestmark = pytest.mark.django_db

INBOX = "notifications:inbox"


def _note(user, subject):
    return Notification.objects.create(
        recipient=user, occasion=f"test:{subject}", channel="inapp", subject=subject, body="正文"
    )


def _visit(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


def _warm(client, url):
    """First render learns the view's tables, the second is stored; returns the stored response."""
    _visit(client, url)
    stored = _visit(client, url)
    assert stored[pagecache.HEADER] == "store"
    return stored


def test_a_repeat_visit_is_served_from_the_cache_with_the_same_page(
    client, users, django_assert_max_num_queries
):
    client.force_login(users["office"])
    _note(users["office"], "第一条消息")
    url = reverse(INBOX)
    stored = _warm(client, url)
    with django_assert_max_num_queries(2):  # the session and the user, nothing of the page itself
        hit = _visit(client, url)
    assert hit[pagecache.HEADER] == "hit"
    assert hit.content == stored.content
    assert "第一条消息" in hit.content.decode()
    # the outer middleware still runs on a cached page
    assert hit["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in hit.headers


@pytest.mark.parametrize("how", ["save", "update", "raw_sql"])
def test_any_write_to_a_table_the_page_read_shows_at_once(client, users, how):
    client.force_login(users["office"])
    note = _note(users["office"], "旧标题")
    url = reverse(INBOX)
    _warm(client, url)
    if how == "save":
        note.subject = "新标题"
        note.save()
    elif how == "update":  # no signals: found by the SQL wrapper
        Notification.objects.filter(pk=note.pk).update(subject="新标题")
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE notifications_notification SET subject = %s WHERE id = %s", ["新标题", note.pk]
            )
    fresh = _visit(client, url)
    assert pagecache.HEADER not in fresh or fresh[pagecache.HEADER] != "hit"
    body = fresh.content.decode()
    assert "新标题" in body and "旧标题" not in body


def test_a_write_to_an_unrelated_table_keeps_the_cached_page(client, users):
    client.force_login(users["office"])
    _note(users["office"], "消息")
    url = reverse(INBOX)
    _warm(client, url)
    from core.models import CalendarDay

    CalendarDay.objects.create(date=dt.date(2030, 1, 2), is_workday=False)
    assert _visit(client, url)[pagecache.HEADER] == "hit"


def test_users_and_sessions_never_share_a_cached_page(client, users):
    from django.test import Client

    client.force_login(users["office"])
    _note(users["office"], "办公室甲的消息")
    _note(users["approver"], "负责人的消息")
    url = reverse(INBOX)
    _warm(client, url)
    other = Client()
    other.force_login(users["approver"])
    body = _visit(other, url).content.decode()
    assert "负责人的消息" in body and "办公室甲的消息" not in body
    # the same user in a second browser: its own CSRF cookie, so its own entry
    second = Client()
    second.force_login(users["office"])
    assert _visit(second, url).get(pagecache.HEADER) != "hit"


def test_a_user_who_lost_a_role_is_refused_not_served_the_cached_page(client, users):
    office = users["office"]
    client.force_login(office)
    url = reverse("awards:office_applications")
    _warm(client, url)
    assert _visit(client, url)[pagecache.HEADER] == "hit"
    office.role = "unit"
    office.member_unit = MemberUnit.objects.first()
    office.save()
    assert client.get(url).status_code == 403


def test_a_deactivated_user_is_logged_out_not_served_the_cached_page(client, users):
    office = users["office"]
    client.force_login(office)
    url = reverse(INBOX)
    _warm(client, url)
    office.is_active = False
    office.save()
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_waiting_message_is_shown_on_a_fresh_page(client, users):
    client.force_login(users["office"])
    note = _note(users["office"], "消息")
    url = reverse(INBOX)
    _warm(client, url)
    response = client.post(reverse("notifications:mark_all_read"), follow=True)
    assert "已将 1 条消息标为已读" in response.content.decode()
    note.refresh_from_db()
    assert note.read_at is not None


def test_the_next_day_renders_again(client, users, time_machine):
    time_machine.move_to(
        dt.datetime(2026, 5, 6, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    )
    client.force_login(users["office"])
    _note(users["office"], "消息")
    url = reverse(INBOX)
    _warm(client, url)
    assert _visit(client, url)[pagecache.HEADER] == "hit"
    time_machine.shift(dt.timedelta(minutes=2))
    assert _visit(client, url).get(pagecache.HEADER) != "hit"


def test_an_entry_expires_after_page_cache_seconds(client, users, time_machine, settings):
    settings.PAGE_CACHE_SECONDS = 60
    time_machine.move_to(dt.datetime(2026, 5, 6, 9, 0, tzinfo=dt.UTC), tick=False)
    client.force_login(users["office"])
    url = reverse(INBOX)
    _warm(client, url)
    time_machine.shift(dt.timedelta(seconds=61))
    assert _visit(client, url).get(pagecache.HEADER) != "hit"


def test_switched_off_nothing_is_stored(client, users, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.force_login(users["office"])
    url = reverse(INBOX)
    for _ in range(3):
        assert pagecache.HEADER not in _visit(client, url)


def test_the_page_still_renders_when_the_cache_is_down(client, users):
    client.force_login(users["office"])
    _note(users["office"], "缓存故障时的消息")
    url = reverse(INBOX)
    _warm(client, url)
    with (
        mock.patch.object(pagecache.cache, "get", side_effect=ConnectionError("down")),
        mock.patch.object(pagecache.cache, "get_many", side_effect=ConnectionError("down")),
        mock.patch.object(pagecache.cache, "set", side_effect=ConnectionError("down")),
    ):
        response = _visit(client, url)
    assert "缓存故障时的消息" in response.content.decode()


def test_a_write_with_the_cache_down_still_commits(users):
    with mock.patch.object(pagecache.cache, "incr", side_effect=ConnectionError("down")):
        note = _note(users["office"], "照常保存")
    assert Notification.objects.filter(pk=note.pk, subject="照常保存").exists()


def test_downloads_are_never_stored(client, users):
    client.force_login(users["office"])
    url = reverse("committee:roster_export_xlsx")
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200
        assert pagecache.HEADER not in response


def test_only_project_tables_are_read_from_sql():
    sql = 'SELECT "notifications_notification"."id" FROM "notifications_notification" WHERE x = 1'
    assert pagecache.tables_in(sql) == {"notifications_notification"}
    assert pagecache.tables_in("UPDATE awards_application SET status = %s") == {"awards_application"}
    # the session table is read by every request: never a reason to re-render
    assert pagecache.tables_in('SELECT * FROM "django_session"') == frozenset()


@pytest.mark.django_db(transaction=True)
def test_a_committed_transaction_bumps_again_after_the_commit(users):
    table = Notification._meta.db_table
    pagecache.generations([table])
    with transaction.atomic():
        _note(users["office"], "事务中")
        inside = pagecache.generations([table])[table]
        # a page rendered by another process now still sees the old rows: its entry must not
        # survive the commit
    after = pagecache.generations([table])[table]
    assert after != inside


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_does_not_stop_the_next_commit_from_bumping(users):
    table = Notification._meta.db_table
    with pytest.raises(RuntimeError), transaction.atomic():
        _note(users["office"], "回滚")
        raise RuntimeError
    assert not Notification.objects.filter(subject="回滚").exists()
    with transaction.atomic():
        _note(users["office"], "提交")
        inside = pagecache.generations([table])[table]
    assert pagecache.generations([table])[table] != inside


def test_a_lost_generation_never_comes_back_to_an_old_value(users):
    table = Notification._meta.db_table
    first = pagecache.generations([table])[table]
    pagecache.cache.delete(pagecache.GEN_PREFIX + table)
    assert pagecache.generations([table])[table] != first


def test_a_page_built_from_the_session_follows_the_session(client, users):
    """The roster import preview is read from the session, not from a table: a new upload shows."""
    from committee.views import IMPORT_SESSION_KEY

    client.force_login(users["office"])
    url = reverse("committee:roster_import") + "?preview=1"

    def upload(person):
        session = client.session
        session[IMPORT_SESSION_KEY] = [
            {
                "line": 2,
                "职务": "成员",
                "单位": "市农业农村局",
                "职务名称": "局长",
                "姓名": person,
                "任职起始日": "",
            }
        ]
        session.save()

    upload("张三丰")
    _visit(client, url)
    assert "张三丰" in _visit(client, url).content.decode()
    upload("李四光")
    body = _visit(client, url).content.decode()
    assert "李四光" in body and "张三丰" not in body


def test_the_health_page_is_always_live(client, users):
    client.force_login(users["office"])
    url = reverse("core:health")
    for _ in range(3):
        assert pagecache.HEADER not in _visit(client, url)


def test_an_admin_page_keeps_its_no_store_header_when_served_from_the_cache(client, users):
    client.force_login(users["admin"])
    url = reverse("admin:index")
    stored = _warm(client, url)
    hit = _visit(client, url)
    assert hit[pagecache.HEADER] == "hit"
    assert "no-store" in stored["Cache-Control"]
    assert hit["Cache-Control"] == stored["Cache-Control"]
