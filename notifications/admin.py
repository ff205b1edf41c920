from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("subject", "recipient", "channel", "status", "created_at", "sent_at", "read_at")
    list_filter = ("channel", "status")
    search_fields = ("subject", "occasion", "recipient__username")
    readonly_fields = ("created_at",)
