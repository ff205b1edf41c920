from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import BusinessKind, MeetingRule


@admin.register(MeetingRule)
class MeetingRuleAdmin(SimpleHistoryAdmin):
    list_display = ("name", "frequency_months", "convener")


@admin.register(BusinessKind)
class BusinessKindAdmin(admin.ModelAdmin):
    list_display = ("order", "clause", "name", "code")
