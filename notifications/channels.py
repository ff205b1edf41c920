"""Delivery channels behind one small interface.

A channel knows how to deliver one ``Notification`` row. Adding SMS or 政务微信 later means
adding a class here and a ``Notification.Channel`` choice; callers of ``notify`` do not change.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


class InAppChannel:
    code = "inapp"
    # stored is delivered: the inbox reads the row itself
    immediate = True

    def wants(self, user) -> bool:
        return True

    def send(self, notification) -> None:
        return None


class EmailChannel:
    code = "email"
    immediate = False

    def wants(self, user) -> bool:
        return bool(user.email)

    def send(self, notification) -> None:
        context = {
            "notification": notification,
            "recipient": notification.recipient,
            "link": f"{settings.SITE_URL}{notification.url}"
            if notification.url.startswith("/")
            else notification.url,
            "platform_name": settings.PLATFORM_NAME,
        }
        text = render_to_string("notifications/email.txt", context)
        html = render_to_string("notifications/email.html", context)
        message = EmailMultiAlternatives(
            subject=f"【{settings.PLATFORM_NAME}】{notification.subject}",
            body=text,
            to=[notification.recipient.email],
            headers={"X-Jianli-Occasion": notification.occasion},
        )
        message.attach_alternative(html, "text/html")
        message.send()


CHANNELS = {c.code: c for c in (InAppChannel(), EmailChannel())}
