from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Measure, MeasureResponsibility, Plan, QualitativeGoal, Target, TargetOwner


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
