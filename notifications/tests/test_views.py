import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications import services
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _notify(user, occasion, url="/targets/"):
    return services.notify(
        occasion=occasion, recipients=[user], subject=f"提醒 {occasion}", body="请按时办理。", url=url
    )


def _inapp(user, occasion="o1"):
    return Notification.objects.get(recipient=user, channel="inapp", occasion=occasion)


@pytest.mark.parametrize("name", ["notifications:inbox", "notifications:sent"])
def test_personal_pages_need_a_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ["enterprise_a", "unit_a", "office", "approver", "admin"])
def test_every_role_has_an_inbox_showing_its_own_messages_only(client, users, role):
    _notify(users[role], "mine")
    _notify(users["unit_b"], "theirs")
    client.force_login(users[role])
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 200
    assert "提醒 mine" in response.text and "提醒 theirs" not in response.text


def test_inbox_shows_the_unread_count_and_filters_unread(client, users):
    user = users["unit_a"]
    for i in range(3):
        _notify(user, f"o{i}")
    services.inbox_mark_read(by=user, notification_ids=[_inapp(user, "o0").pk])
    client.force_login(user)
    response = client.get(reverse("notifications:inbox"))
    assert response.context["unread_notifications"] == 2
    assert '<span class="count">2</span>' in response.text
    response = client.get(reverse("notifications:inbox") + "?filter=unread")
    assert "提醒 o0" not in response.text and "提醒 o1" in response.text


def test_inbox_query_count_does_not_grow_with_messages(client, users, django_assert_max_num_queries):
    user = users["unit_a"]
    client.force_login(user)
    for i in range(30):
        _notify(user, f"o{i}")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("notifications:inbox"))
    assert len(response.context["page_obj"].object_list) == 20
    with django_assert_max_num_queries(12):
        client.get(reverse("notifications:sent"))


def test_mark_read_marks_one_own_message(client, users):
    user = users["unit_a"]
    _notify(user, "o1")
    client.force_login(user)
    response = client.post(reverse("notifications:mark_read", args=[_inapp(user).pk]))
    assert response.status_code == 302
    assert _inapp(user).read_at is not None


def test_marking_someone_elses_message_is_404_and_changes_nothing(client, users):
    _notify(users["unit_b"], "o1")
    client.force_login(users["unit_a"])
    row = _inapp(users["unit_b"])
    for name in ("notifications:mark_read", "notifications:open"):
        assert client.post(reverse(name, args=[row.pk])).status_code == 404
    assert _inapp(users["unit_b"]).read_at is None


def test_mark_read_refuses_get(client, users):
    _notify(users["unit_a"], "o1")
    client.force_login(users["unit_a"])
    assert (
        client.get(reverse("notifications:mark_read", args=[_inapp(users["unit_a"]).pk])).status_code == 405
    )
    assert _inapp(users["unit_a"]).read_at is None


def test_mark_read_goes_back_only_to_a_local_page(client, users):
    _notify(users["unit_a"], "o1")
    client.force_login(users["unit_a"])
    url = reverse("notifications:mark_read", args=[_inapp(users["unit_a"]).pk])
    response = client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == reverse("notifications:inbox")


def test_mark_all_read(client, users):
    user = users["unit_a"]
    for i in range(3):
        _notify(user, f"o{i}")
    _notify(users["unit_b"], "other")
    client.force_login(user)
    client.post(reverse("notifications:mark_all_read"))
    assert services.unread_count(user) == 0
    assert services.unread_count(users["unit_b"]) == 1


def test_open_marks_read_and_goes_to_the_page_of_the_matter(client, users):
    user = users["unit_a"]
    _notify(user, "o1", url="/targets/reports/7/")
    client.force_login(user)
    response = client.post(reverse("notifications:open", args=[_inapp(user).pk]))
    assert response["Location"] == "/targets/reports/7/"
    assert _inapp(user).read_at is not None


def test_open_never_redirects_off_site(client, users):
    user = users["unit_a"]
    _notify(user, "o1", url="https://evil.example/")
    client.force_login(user)
    response = client.post(reverse("notifications:open", args=[_inapp(user).pk]))
    assert response["Location"] == reverse("notifications:inbox")


def test_sent_page_lists_email_deliveries_with_their_status(client, users):
    user = users["unit_a"]
    _notify(user, "o1")
    client.force_login(user)
    response = client.get(reverse("notifications:sent"))
    assert "电子邮件" in response.text and "待发送" in response.text and "已送达" in response.text
    response = client.get(reverse("notifications:sent") + "?channel=email")
    assert len(response.context["page_obj"].object_list) == 1


@pytest.mark.parametrize(
    ("role", "status"),
    [("office", 200), ("approver", 200), ("unit_a", 403), ("enterprise_a", 403), ("admin", 403)],
)
def test_outbox_is_for_the_office(client, users, role, status):
    client.force_login(users[role])
    assert client.get(reverse("notifications:outbox")).status_code == status


def test_outbox_anonymous_is_sent_to_login(client):
    assert client.get(reverse("notifications:outbox")).status_code == 302


def test_office_resends_a_failed_email(client, users):
    _notify(users["unit_a"], "o1")
    row = Notification.objects.get(channel="email")
    Notification.objects.filter(pk=row.pk).update(status=Notification.Status.FAILED, last_error="状态未知")
    client.force_login(users["office"])
    response = client.get(reverse("notifications:outbox"))
    assert "重新发送" in response.text
    client.post(reverse("notifications:resend", args=[row.pk]))
    row.refresh_from_db()
    assert row.status == Notification.Status.PENDING


def test_resending_a_pending_email_changes_nothing(client, users):
    _notify(users["unit_a"], "o1")
    row = Notification.objects.get(channel="email")
    client.force_login(users["office"])
    response = client.post(reverse("notifications:resend", args=[row.pk]), follow=True)
    assert "未做任何更改" in response.text
    row.refresh_from_db()
    assert row.status == Notification.Status.PENDING and row.attempts == 0


def test_resend_by_a_unit_user_is_403(client, users):
    _notify(users["unit_a"], "o1")
    row = Notification.objects.get(channel="email")
    Notification.objects.filter(pk=row.pk).update(status=Notification.Status.FAILED)
    client.force_login(users["unit_a"])
    assert client.post(reverse("notifications:resend", args=[row.pk])).status_code == 403
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED


def test_resend_of_an_inapp_row_is_404(client, users):
    _notify(users["unit_a"], "o1")
    client.force_login(users["office"])
    assert client.post(reverse("notifications:resend", args=[_inapp(users["unit_a"]).pk])).status_code == 404


def test_workbench_shows_latest_unread(client, users):
    _notify(users["unit_a"], "o1")
    client.force_login(users["unit_a"])
    response = client.get(reverse("core:workbench"))
    assert "未读消息" in response.text and "提醒 o1" in response.text


def test_sidebar_links_the_inbox_for_everyone_and_the_outbox_for_the_office(client, users):
    client.force_login(users["unit_a"])
    text = client.get(reverse("notifications:inbox")).text
    assert reverse("notifications:inbox") in text and reverse("notifications:outbox") not in text
    client.force_login(users["office"])
    assert reverse("notifications:outbox") in client.get(reverse("notifications:inbox")).text


def test_outbox_page_has_bounded_queries(client, users, django_assert_max_num_queries):
    for i in range(25):
        _notify(users["unit_a"] if i % 2 else users["unit_b"], f"o{i}")
    Notification.objects.filter(channel="email").update(status=Notification.Status.FAILED)
    client.force_login(users["office"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("notifications:outbox"))
    assert response.context["counts"]["failed"] == 25
    assert len(response.context["page_obj"].object_list) == 20


def _subjects(response):
    return [n.subject for n in response.context["page_obj"]]


def test_inbox_filters_by_read_state_and_text_and_a_bad_value_is_chinese(client, users):
    user = users["unit_a"]
    for occasion in ("报告", "督办", "会议"):
        _notify(user, occasion)
    services.inbox_mark_read(by=user, notification_ids=[_inapp(user, "督办").pk])
    client.force_login(user)
    url = reverse("notifications:inbox")
    assert _subjects(client.get(url, {"filter": "read"})) == ["提醒 督办"]
    assert _subjects(client.get(url, {"filter": "unread", "q": "会议"})) == ["提醒 会议"]
    bad = client.get(url, {"filter": "soon"})
    assert bad.status_code == 200 and "筛选条件有误" in bad.text and len(_subjects(bad)) == 3
    assert Notification.objects.filter(recipient=user, channel="inapp", read_at__isnull=True).count() == 2


def test_sent_record_filters_sorts_and_refuses_a_bad_channel_in_chinese(client, users):
    user = users["unit_a"]
    _notify(user, "o1")
    _notify(user, "o2")
    Notification.objects.filter(recipient=user, channel="email", occasion="o1").update(
        status="sent", sent_at=timezone.now()
    )
    client.force_login(user)
    url = reverse("notifications:sent")
    assert _subjects(client.get(url, {"channel": "email", "status": "sent"})) == ["提醒 o1"]
    assert len(_subjects(client.get(url, {"q": "o2"}))) == 2  # in-app and e-mail
    statuses = [n.status for n in client.get(url, {"o": "-status", "channel": "email"}).context["page_obj"]]
    assert statuses == ["sent", "pending"]
    page = client.get(url, {"o": "status", "channel": "email"})
    assert [n.status for n in page.context["page_obj"]] == ["pending", "sent"] and "状态 ▲" in page.text
    bad = client.get(url, {"channel": "sms"})
    assert bad.status_code == 200 and "筛选条件有误" in bad.text and len(_subjects(bad)) == 4


def test_outbox_filters_by_status_and_recipient_sorts_and_refuses_sent_in_chinese(client, users):
    _notify(users["unit_a"], "o1")
    _notify(users["unit_b"], "o2")
    Notification.objects.filter(channel="email", recipient=users["unit_a"]).update(
        status=Notification.Status.FAILED, attempts=3, last_error="状态未知"
    )
    client.force_login(users["office"])
    url = reverse("notifications:outbox")
    assert _subjects(client.get(url, {"status": "failed"})) == ["提醒 o1"]
    assert _subjects(client.get(url, {"q": users["unit_b"].email})) == ["提醒 o2"]
    assert _subjects(client.get(url, {"o": "-attempts"})) == ["提醒 o1", "提醒 o2"]
    assert _subjects(client.get(url, {"o": "attempts"})) == ["提醒 o2", "提醒 o1"]
    bad = client.get(url, {"status": "sent"})  # sent e-mails are not this page's business
    assert bad.status_code == 200 and "筛选条件有误" in bad.text and len(_subjects(bad)) == 2
    assert Notification.objects.filter(status=Notification.Status.FAILED).count() == 1


@pytest.mark.parametrize("name", ["notifications:inbox", "notifications:sent", "notifications:outbox"])
def test_filtered_message_pages_cost_the_same_queries_with_more_messages(client, users, name):
    user = users["unit_a"]
    client.force_login(users["office"] if name.endswith("outbox") else user)
    url, params = reverse(name), {"q": "提醒", "o": "-created"}
    _notify(user, "first")

    def count():
        client.get(url, params)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, params).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for i in range(25):
        _notify(user, f"more{i}")
    assert count() == small
