import datetime as dt
from unittest import mock

import pytest
import time_machine
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications import services
from notifications.channels import CHANNELS, EmailChannel
from notifications.models import Notification
from notifications.reminders import collect
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Status = Notification.Status


@pytest.fixture
def alice():
    return UserFactory(username="alice", full_name="张丽", email="alice@test.jianli.local")


def _notify(users, occasion="report:1:due3", **kwargs):
    return services.notify(
        occasion=occasion,
        recipients=users,
        subject=kwargs.pop("subject", "2025年上半年进度报告还有 3 天截止报送"),
        body=kwargs.pop("body", "请于 2025年07月15日 前提交。"),
        url=kwargs.pop("url", "/targets/reports/1/"),
        **kwargs,
    )


def test_notify_records_one_inapp_and_one_email_row_per_recipient(alice):
    rows = _notify([alice])
    assert {(n.channel, n.status) for n in rows} == {("inapp", Status.SENT), ("email", Status.PENDING)}


def test_notify_twice_for_the_same_occasion_records_nothing_new(alice):
    _notify([alice])
    assert _notify([alice]) == []
    assert Notification.objects.count() == 2


def test_notify_skips_inactive_users_missing_recipients_and_email_without_address(alice):
    inactive = UserFactory(username="gone", is_active=False)
    no_mail = UserFactory(username="nomail", email="")
    rows = _notify([alice, alice, None, inactive, no_mail])
    assert sorted((n.recipient.username, n.channel) for n in rows) == [
        ("alice", "email"),
        ("alice", "inapp"),
        ("nomail", "inapp"),
    ]


def test_notify_can_be_limited_to_channels(alice):
    rows = _notify([alice], channels=["inapp"])
    assert [n.channel for n in rows] == ["inapp"]


def test_a_duplicate_does_not_break_the_callers_transaction(alice):
    _notify([alice])
    with transaction.atomic():
        _notify([alice])
        UserFactory(username="after")  # the transaction is still usable
    assert Notification.objects.count() == 2


def test_delivery_is_enqueued_only_after_commit(alice, django_capture_on_commit_callbacks):
    with (
        mock.patch("notifications.tasks.deliver_notifications.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        rows = _notify([alice])
        assert not delay.called
    email = next(n for n in rows if n.channel == "email")
    delay.assert_called_once_with([email.pk])


def test_a_rolled_back_action_leaves_no_notification_and_enqueues_nothing(alice):
    with (
        mock.patch("notifications.tasks.deliver_notifications.delay") as delay,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _notify([alice])
        raise RuntimeError
    assert not Notification.objects.exists()
    assert not delay.called


def test_broker_down_keeps_the_rows_pending_and_does_not_raise(alice, django_capture_on_commit_callbacks):
    with mock.patch("notifications.tasks.deliver_notifications.delay", side_effect=OSError("down")) as delay:
        with django_capture_on_commit_callbacks(execute=True):
            _notify([alice])
        # a second action in the same minute does not wait for the broker again
        with django_capture_on_commit_callbacks(execute=True):
            _notify([alice], occasion="report:2:due3")
    assert delay.call_count == 1
    assert Notification.objects.filter(channel="email", status=Status.PENDING).count() == 2


def test_delivery_batch_enqueues_one_task_for_many_notifications(alice, django_capture_on_commit_callbacks):
    bob = UserFactory(username="bob")
    with (
        mock.patch("notifications.tasks.deliver_notifications.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
        services.delivery_batch(),
    ):
        _notify([alice], occasion="a")
        _notify([bob], occasion="b")
    assert delay.call_count == 1
    assert len(delay.call_args.args[0]) == 2


def _email_row(user, occasion="report:1:due3"):
    _notify([user], occasion=occasion)
    return Notification.objects.get(recipient=user, channel="email", occasion=occasion)


def test_deliver_sends_the_mail_once_and_marks_it_sent(alice):
    row = _email_row(alice)
    assert services.notification_deliver(notification_id=row.pk) is True
    assert services.notification_deliver(notification_id=row.pk) is False
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == Status.SENT and row.sent_at and row.attempts == 1


def test_a_row_claimed_by_a_worker_that_died_is_not_sent_by_the_redelivered_task(alice):
    row = _email_row(alice)
    # the worker claimed it, then was killed before it finished: the message comes back
    Notification.objects.filter(pk=row.pk).update(status=Status.SENDING, claimed_at=timezone.now())
    assert services.notification_deliver(notification_id=row.pk) is False
    assert services.notifications_deliver(notification_ids=services.outbox_due_ids()) == 0
    assert mail.outbox == []


def test_a_stale_claim_becomes_failed_with_unknown_outcome_and_is_never_resent(alice):
    row = _email_row(alice)
    Notification.objects.filter(pk=row.pk).update(status=Status.SENDING, claimed_at=timezone.now())
    assert services.outbox_release_stale_claims() == 0  # a live worker may still be sending
    with time_machine.travel(timezone.now() + services.STALE_CLAIM_AFTER + dt.timedelta(minutes=1)):
        assert services.outbox_release_stale_claims() == 1
        assert services.outbox_due_ids() == []
    row.refresh_from_db()
    assert row.status == Status.FAILED and "无法确认" in row.last_error
    assert mail.outbox == []


def test_a_refused_send_is_retried_with_backoff_then_given_up(alice):
    row = _email_row(alice)
    start = timezone.now()
    with mock.patch.object(EmailChannel, "send", side_effect=ConnectionRefusedError("smtp down")):
        for attempt in range(1, services.MAX_ATTEMPTS + 1):
            with time_machine.travel(start + dt.timedelta(hours=attempt), tick=False):
                assert services.notification_deliver(notification_id=row.pk) is False
                row.refresh_from_db()
                if attempt < services.MAX_ATTEMPTS:
                    assert row.status == Status.PENDING
                    assert row.next_attempt_at == timezone.now() + services._backoff(attempt)
                    # not due again before the back-off has passed
                    assert services.outbox_due_ids() == []
    assert row.status == Status.FAILED and "smtp down" in row.last_error
    assert row.attempts == services.MAX_ATTEMPTS


def test_an_interrupted_send_is_marked_unknown_and_not_retried(alice):
    row = _email_row(alice)
    with (
        mock.patch.object(EmailChannel, "send", side_effect=SoftTimeLimitExceeded()),
        pytest.raises(SoftTimeLimitExceeded),
    ):
        services.notification_deliver(notification_id=row.pk)
    row.refresh_from_db()
    assert row.status == Status.FAILED and "无法确认" in row.last_error


def test_resend_puts_only_a_failed_row_back_into_the_outbox(alice):
    row = _email_row(alice)
    assert services.notification_resend(notification_id=row.pk) is False  # still pending
    Notification.objects.filter(pk=row.pk).update(status=Status.FAILED, attempts=6)
    with mock.patch("notifications.tasks.deliver_notifications.delay"):
        assert services.notification_resend(notification_id=row.pk) is True
    assert services.notification_deliver(notification_id=row.pk) is True
    assert len(mail.outbox) == 1


def test_a_recipient_who_lost_the_address_or_left_is_not_sent_to(alice):
    row = _email_row(alice)
    type(alice).objects.filter(pk=alice.pk).update(email="")
    assert services.notification_deliver(notification_id=row.pk) is False
    row.refresh_from_db()
    assert row.status == Status.FAILED and row.last_error == services.NO_RECIPIENT
    assert mail.outbox == []


def test_deliver_stops_claiming_at_the_deadline(alice):
    ids = [_email_row(alice, occasion=f"o{i}").pk for i in range(3)]
    assert services.notifications_deliver(notification_ids=ids, deadline=0) == 0
    assert Notification.objects.filter(pk__in=ids, status=Status.PENDING).count() == 3


def test_mark_read_touches_only_the_users_own_unread_inapp_messages(alice):
    bob = UserFactory(username="bob")
    _notify([alice, bob])
    mine = Notification.objects.get(recipient=alice, channel="inapp")
    theirs = Notification.objects.get(recipient=bob, channel="inapp")
    assert services.inbox_mark_read(by=alice, notification_ids=[mine.pk, theirs.pk]) == 1
    assert services.unread_count(alice) == 0
    assert services.unread_count(bob) == 1


def test_the_email_is_chinese_plain_text_and_html_with_an_absolute_link(alice, settings):
    settings.SITE_URL = "https://zlpp.jianli.gov.cn"
    row = _email_row(alice)
    services.notification_deliver(notification_id=row.pk)
    message = mail.outbox[0]
    assert message.subject == "【监利市质量品牌工作平台】2025年上半年进度报告还有 3 天截止报送"
    assert message.to == ["alice@test.jianli.local"]
    assert "张丽，您好" in message.body
    assert "https://zlpp.jianli.gov.cn/targets/reports/1/" in message.body
    html, mime = message.alternatives[0]
    assert mime == "text/html" and 'href="https://zlpp.jianli.gov.cn/targets/reports/1/"' in html
    assert message.extra_headers["Message-ID"].startswith(f"<notification-{row.pk}@")
    assert message.extra_headers["X-Jianli-Occasion"] == "report:1:due3"


def test_html_in_a_message_body_is_escaped_in_the_html_email(alice):
    row = _email_row(alice)
    Notification.objects.filter(pk=row.pk).update(body="<script>alert(1)</script>")
    services.notification_deliver(notification_id=row.pk)
    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_channel_registry_has_inapp_and_email():
    assert set(CHANNELS) == set(Notification.Channel.values)


def test_the_daily_reminders_count_unknown_state_mail_for_the_office_and_never_resend_it(users, alice):
    rows = _notify([alice])
    email = next(n for n in rows if n.channel == "email")
    Notification.objects.filter(pk=email.pk).update(
        status=Notification.Status.SENDING, claimed_at=timezone.now() - services.STALE_CLAIM_AFTER * 2
    )
    assert services.outbox_release_stale_claims() == 1  # the worker died mid-send: unknown outcome
    today = dt.date(2026, 3, 2)
    reminders = list(collect(today))
    assert len(reminders) == 1
    assert reminders[0].subject == "有 1 封邮件发送状态未知，请确认后重新发送"
    recipients = reminders[0].recipients
    assert users["office"] in recipients and {u.role for u in recipients} == {"office_staff"}
    assert reminders[0].url == reverse("notifications:outbox")
    # at most once: no sweep sends it again by itself
    assert services.outbox_due_ids() == []
    email.refresh_from_db()
    assert email.status == Notification.Status.FAILED and email.last_error == services.UNKNOWN_OUTCOME
    # the office's one click puts it back exactly once
    assert services.notification_resend(notification_id=email.pk) is True
    assert services.notification_resend(notification_id=email.pk) is False
    assert services.outbox_due_ids() == [email.pk]
    assert list(collect(today)) == []


def test_no_unknown_state_mail_means_no_office_reminder(users):
    assert list(collect(dt.date(2026, 3, 2))) == []


def test_unread_count_counts_only_the_users_own_unread_inapp_messages(alice):
    bob = UserFactory(username="bob")
    for i in range(4):  # each an in-app message and an e-mail to both
        _notify([alice, bob], occasion=f"count:{i}")
    first = Notification.objects.filter(recipient=alice, channel="inapp").order_by("pk").first()
    services.inbox_mark_read(by=alice, notification_ids=[first.pk])
    assert Notification.objects.filter(recipient=alice, channel="email").count() == 4
    assert services.unread_count(alice) == 3
    assert services.unread_count(bob) == 4
    assert (
        services.unread_count(alice)
        == Notification.objects.filter(recipient=alice, channel="inapp", read_at__isnull=True).count()
    )
