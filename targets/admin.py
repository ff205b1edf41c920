from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV
from simple_history.admin import SimpleHistoryAdmin

from core.import_formats import XLSX

from .models import (
    Measure,
    MeasureResponsibility,
    Plan,
    QualitativeGoal,
    Report,
    ReportingPeriod,
    ReportTargetLine,
    Statistic,
    Target,
    TargetEvaluation,
    TargetOwner,
)
from .resources import StatisticResource


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "start_date", "end_date", "is_current")


class TargetOwnerInline(admin.TabularInline):
    model = TargetOwner
    extra = 0


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "category", "kind", "target_value", "measure_unit", "deadline", "plan")
    list_filter = ("plan", "category", "kind")
    search_fields = ("code", "name")
    inlines = [TargetOwnerInline]


@admin.register(QualitativeGoal)
class QualitativeGoalAdmin(SimpleHistoryAdmin):
    list_display = ("code", "clause", "text", "plan")


class MeasureResponsibilityInline(admin.TabularInline):
    model = MeasureResponsibility
    extra = 0


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ("code", "title", "responsible_text", "plan")
    list_filter = ("plan",)
    inlines = [MeasureResponsibilityInline]


class ReportTargetLineInline(admin.TabularInline):
    model = ReportTargetLine
    extra = 0
    fields = ("target", "role", "value", "stat_date", "source", "note")
    readonly_fields = ("target", "role")
    can_delete = False


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(SimpleHistoryAdmin):
    list_display = ("plan", "year", "half", "due_date", "status", "backfilled")
    list_filter = ("plan", "status", "backfilled")


@admin.register(Report)
class ReportAdmin(SimpleHistoryAdmin):
    list_display = ("unit", "period", "status", "first_submitted_at", "accepted_at", "return_count")
    list_filter = ("period__plan", "period", "status")
    search_fields = ("unit__name",)
    inlines = [ReportTargetLineInline]


@admin.register(Statistic)
class StatisticAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [StatisticResource]
    # classes, not the dotted strings of IMPORT_EXPORT_FORMATS (which import-export calls as is);
    # xlsx through the platform's bounded reader
    formats = [XLSX, CSV]
    list_display = ("target", "value", "as_of", "source", "origin", "unit", "recorded_at")
    list_filter = ("target__plan", "origin", "backfilled")
    search_fields = ("target__code", "target__name", "source")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # accepted values are evidence: corrected by a newer value, never deleted


@admin.register(TargetEvaluation)
class TargetEvaluationAdmin(SimpleHistoryAdmin):
    list_display = ("target", "result", "final_value", "evaluated_by", "evaluated_at")
    list_filter = ("target__plan", "result")
