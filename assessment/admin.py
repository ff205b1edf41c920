from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AssessmentItem, AssessmentResult, AssessmentScheme


class ItemInline(admin.TabularInline):
    model = AssessmentItem
    extra = 0


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(SimpleHistoryAdmin):
    list_display = ("year", "status", "published_at", "published_by")
    inlines = [ItemInline]


@admin.register(AssessmentResult)
class AssessmentResultAdmin(admin.ModelAdmin):
    list_display = ("scheme", "unit", "score", "rank")
    list_filter = ("scheme",)
