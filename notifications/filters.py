"""Filters of a person's messages (django-filter): the inbox and the sent record."""

import django_filters
from django.db.models import Q, QuerySet

from core.filters import Ordering

from .models import Notification


def _search(queryset: QuerySet[Notification], name: str, value: str) -> QuerySet[Notification]:
    return queryset.filter(Q(subject__icontains=value) | Q(body__icontains=value))


class InboxFilter(django_filters.FilterSet):
    """站内消息: unread or read, subject or text; newest first (a list of messages, not a table)."""

    # ``filter=unread`` is the parameter the workbench panel's 全部未读 link has always used
    filter = django_filters.ChoiceFilter(
        label="阅读状态", choices=[("unread", "未读"), ("read", "已读")], method="by_read"
    )
    q = django_filters.CharFilter(label="标题或内容", method=_search, max_length=50)

    class Meta:
        model = Notification
        fields: list[str] = []

    def by_read(self, queryset: QuerySet[Notification], name: str, value: str) -> QuerySet[Notification]:
        return queryset.filter(read_at__isnull=value == "unread")

    @property
    def unread_only(self) -> bool:
        return self.is_bound and self.is_valid() and self.form.cleaned_data.get("filter") == "unread"


class DeliveryFilter(django_filters.FilterSet):
    """发送记录: channel, delivery status, subject or text; sortable by time, channel, status."""

    channel = django_filters.ChoiceFilter(label="渠道", choices=Notification.Channel.choices)
    status = django_filters.ChoiceFilter(label="状态", choices=Notification.Status.choices)
    q = django_filters.CharFilter(label="标题或内容", method=_search, max_length=50)
    o = Ordering(
        fields=(
            ("created_at", "created"),
            ("channel", "channel"),
            ("status", "status"),
            ("sent_at", "sent"),
        )
    )

    class Meta:
        model = Notification
        fields: list[str] = []


class OutboxFilter(django_filters.FilterSet):
    """邮件发送状况, the e-mails not sent yet: status, subject or recipient; oldest first."""

    status = django_filters.ChoiceFilter(
        label="状态",
        choices=[c for c in Notification.Status.choices if c[0] != Notification.Status.SENT],
    )
    q = django_filters.CharFilter(label="标题或收件人", method="search", max_length=50)
    o = Ordering(fields=(("created_at", "created"), ("status", "status"), ("attempts", "attempts")))

    class Meta:
        model = Notification
        fields: list[str] = []

    def search(self, queryset: QuerySet[Notification], name: str, value: str) -> QuerySet[Notification]:
        return queryset.filter(
            Q(subject__icontains=value)
            | Q(recipient__full_name__icontains=value)
            | Q(recipient__email__icontains=value)
        )
