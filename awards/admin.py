from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Enterprise, RewardItem


@admin.register(RewardItem)
class RewardItemAdmin(SimpleHistoryAdmin):
    list_display = (
        "order",
        "code",
        "name",
        "amount_yuan",
        "funding_source",
        "provisional",
        "effective_from",
        "active",
    )
    list_filter = ("funding_source", "active")
    search_fields = ("code", "name")


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ("name", "credit_code", "contact_person", "contact_phone", "verified_at")
    search_fields = ("name", "credit_code")
    readonly_fields = ("created_at",)
