from django.contrib import admin
from django.http import HttpRequest

from .models import (
    CalendarDay,
    CalendarYear,
    ImportBatch,
    PolicyDocument,
    PolicyRecord,
    SiteSetting,
    StoredDocument,
    WorkerHeartbeat,
)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "note")
    list_filter = ("is_workday",)
    date_hierarchy = "date"


@admin.register(SiteSetting)
class SiteSettingAdmin(admin.ModelAdmin):
    list_display = ("__str__", "publicity_workdays", "review_service_limit_workdays", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not SiteSetting.objects.exists()


@admin.register(PolicyRecord)
class PolicyRecordAdmin(admin.ModelAdmin):
    list_display = ("model", "key", "loaded_at")
    list_filter = ("model",)
    readonly_fields = ("model", "key", "values", "loaded_at")


@admin.register(StoredDocument)
class StoredDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "key", "created_at", "created_by")
    list_filter = ("kind",)


admin.site.register(WorkerHeartbeat)


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(admin.ModelAdmin):
    list_display = ("document_number", "title", "issued_on")


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "source", "confirmed_at", "confirmed_by")


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("kind", "original_name", "summary", "row_count", "status", "uploaded_by", "uploaded_at")
    list_filter = ("kind", "status")
    exclude = ("rows",)
    readonly_fields = ("errors", "params", "result")
