"""Delivery channels behind one small interface.

A channel decides whether a user can receive on it (``wants``) and delivers one ``Notification``
row (``send``). ``immediate`` channels are delivered by storing the row (the in-app inbox reads it);
the others are sent by the outbox worker after commit.

Adding SMS or 政务微信 later means: a class here implementing ``Channel``, an entry in ``CHANNELS``
and a ``Notification.Channel`` choice (one migration). Callers of ``notify`` do not change.
A channel's ``send`` raises on failure; it must not swallow errors (the outbox retries with
back-off) and must not retry by itself (that could deliver twice).
"""

from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string

from accounts.models import User
from core.policy import policy_document
from core.text import header_safe

from .models import Notification

# An SMTP server that never answers must not hold a delivery for ever; a hung send ends as an
# exception (retried) instead of a worker killed by the task's hard time limit (state unknown).
SEND_TIMEOUT_SECONDS = 30


class Channel(Protocol):
    code: str
    immediate: bool

    def wants(self, user: User) -> bool: ...

    def send(self, notification: Notification) -> None: ...


class InAppChannel:
    code = "inapp"
    # stored is delivered: the inbox reads the row itself
    immediate = True

    def wants(self, user: User) -> bool:
        return True

    def send(self, notification: Notification) -> None:
        return None


def absolute_link(url: str) -> str:
    if url.startswith("/"):
        return f"{settings.SITE_URL.rstrip('/')}{url}"
    return url


class EmailChannel:
    code = "email"
    immediate = False

    def wants(self, user: User) -> bool:
        return bool(user.email)

    def render(self, notification: Notification) -> EmailMultiAlternatives:
        policy = policy_document()
        context = {
            "policy": policy,
            "notification": notification,
            "recipient": notification.recipient,
            "link": absolute_link(notification.url) if notification.url else "",
            "platform_name": policy.platform_name or settings.PLATFORM_NAME,
            "site_url": settings.SITE_URL,
        }
        text = render_to_string("notifications/email.txt", context)
        html = render_to_string("notifications/email.html", context)
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "jianli-quality.local"
        message = EmailMultiAlternatives(
            subject=header_safe(f"【{context['platform_name']}】{notification.subject}"),
            body=text,
            to=[notification.recipient.email],
            headers={
                "X-Jianli-Occasion": notification.occasion,
                # one Message-ID per delivery: should a copy ever be sent again by hand, mail
                # servers and clients see the same message rather than a new one
                "Message-ID": f"<notification-{notification.pk}@{domain}>",
            },
        )
        message.attach_alternative(html, "text/html")
        return message

    def send(self, notification: Notification) -> None:
        message = self.render(notification)
        if getattr(settings, "EMAIL_TIMEOUT", None):
            message.connection = get_connection()
        else:
            message.connection = get_connection(timeout=SEND_TIMEOUT_SECONDS)
        message.send(fail_silently=False)


CHANNELS: dict[str, Channel] = {c.code: c for c in (InAppChannel(), EmailChannel())}
