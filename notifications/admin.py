from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from . import services
from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = (
        "subject",
        "recipient",
        "channel",
        "status",
        "attempts",
        "created_at",
        "sent_at",
        "read_at",
    )
    list_filter = ("channel", "status")
    search_fields = ("subject", "occasion", "recipient__username")
    list_select_related = ("recipient",)
    readonly_fields = (
        "recipient",
        "occasion",
        "channel",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "read_at",
    )
    actions = ["resend_failed"]

    @admin.action(description="重新发送所选“发送失败”的通知")
    def resend_failed(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        n = sum(
            services.notification_resend(notification_id=pk)
            for pk in queryset.filter(status=Notification.Status.FAILED).values_list("pk", flat=True)
        )
        self.message_user(request, f"已重新放入发送队列 {n} 条。", messages.SUCCESS)
