from django.contrib import admin
from django.http import HttpRequest

from .models import HalfYearReport, ScheduleChange


@admin.register(HalfYearReport)
class HalfYearReportAdmin(admin.ModelAdmin):
    list_display = ("key", "title", "built_at", "built_by", "build_count")
    readonly_fields = (
        "key",
        "year",
        "half",
        "figures",
        "xlsx",
        "docx",
        "first_built_at",
        "built_at",
        "built_by",
        "build_count",
    )


@admin.register(ScheduleChange)
class ScheduleChangeAdmin(admin.ModelAdmin):
    list_display = ("changed_at", "task_name", "before", "after", "changed_by")
    readonly_fields = ("task_name", "before", "after", "changed_by", "changed_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
