from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AgendaItem,
    BusinessKind,
    ExtensionRequest,
    FollowUpAssignment,
    FollowUpEvent,
    FollowUpItem,
    FollowUpSetting,
    Invitation,
    Meeting,
    MeetingRule,
    Topic,
    WorkPlan,
)


@admin.register(MeetingRule)
class MeetingRuleAdmin(SimpleHistoryAdmin):
    list_display = ("name", "frequency_months", "convener")


@admin.register(BusinessKind)
class BusinessKindAdmin(admin.ModelAdmin):
    list_display = ("order", "clause", "name", "code")


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    raw_id_fields = ("responded_by",)


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ("order", "title", "business_kind", "presenter", "is_generated")


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "status", "planned_date", "place", "topic_deadline")
    list_filter = ("status", "year")
    inlines = [AgendaItemInline, InvitationInline]
    raw_id_fields = ("convener", "minutes_signed_by", "created_by")


@admin.register(Topic)
class TopicAdmin(SimpleHistoryAdmin):
    list_display = ("title", "meeting", "unit", "status", "created_at")
    list_filter = ("status", "meeting")
    search_fields = ("title",)
    raw_id_fields = ("proposed_by", "decided_by", "merged_into", "carried_from")


class FollowUpAssignmentInline(admin.TabularInline):
    model = FollowUpAssignment
    extra = 0
    fields = ("unit", "role", "phase", "signed_at", "completed_on", "closed_at")
    readonly_fields = ("signed_at", "completed_on", "closed_at")


@admin.register(FollowUpItem)
class FollowUpItemAdmin(SimpleHistoryAdmin):
    list_display = ("title", "source", "year", "deadline", "released_at")
    list_filter = ("source", "year")
    search_fields = ("title",)
    inlines = [FollowUpAssignmentInline]
    raw_id_fields = ("agenda_item", "work_plan", "created_by")


@admin.register(FollowUpEvent)
class FollowUpEventAdmin(admin.ModelAdmin):
    list_display = ("assignment", "kind", "by", "at")
    list_filter = ("kind",)
    raw_id_fields = ("assignment", "by")


@admin.register(WorkPlan)
class WorkPlanAdmin(SimpleHistoryAdmin):
    list_display = ("year", "title")


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(SimpleHistoryAdmin):
    list_display = (
        "assignment",
        "old_deadline",
        "requested_deadline",
        "status",
        "new_deadline",
        "decided_by",
    )
    list_filter = ("status",)
    raw_id_fields = ("assignment", "requested_by", "decided_by")


@admin.register(FollowUpSetting)
class FollowUpSettingAdmin(SimpleHistoryAdmin):
    list_display = ("urge_interval_days", "escalate_after_days", "updated_at")
    filter_horizontal = ("leaders",)
