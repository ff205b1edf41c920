from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Application,
    ApplicationEvent,
    Attachment,
    DuplicateFinding,
    Enterprise,
    FundingSource,
    MoneyChange,
    Objection,
    PublicityBatch,
    RewardGroup,
    RewardItem,
    RewardTier,
)


class NeverDeleteMixin:
    """Money-related records are never hard-deleted (docs/design.md); withdraw or reject instead."""

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class RewardTierInline(NeverDeleteMixin, admin.TabularInline):
    model = RewardTier
    extra = 0
    fields = ("order", "code", "name", "amount_yuan")
    readonly_fields = ("code", "amount_yuan")  # the amounts come from the pack (reward_items.yaml)
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(RewardItem)
class RewardItemAdmin(SimpleHistoryAdmin):
    inlines = [RewardTierInline]
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
    # money data changes through the platform's maker-checker (资金变更审核), never here alone
    # (the rules of issue 18 — tiers, group, nomination rule, end of validity — come from the pack only)
    readonly_fields = (
        "amount_yuan",
        "funding_source",
        "provisional",
        "effective_from",
        "active",
        "nomination_rule",
        "group",
        "valid_to",
    )


@admin.register(FundingSource)
class FundingSourceAdmin(NeverDeleteMixin, SimpleHistoryAdmin):
    """Who pays (funding_sources.yaml): its name and order may be corrected; its code is the key the
    reward lines, budgets and applications refer to."""

    list_display = ("order", "code", "name")
    search_fields = ("code", "name")
    readonly_fields = ("code",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a new source comes with its approval path, from the pack


@admin.register(RewardGroup)
class RewardGroupAdmin(NeverDeleteMixin, SimpleHistoryAdmin):
    """按最高标准奖励、不重复享受 and the yearly cap (reward_items.yaml ``reward_groups``): the rules decide
    money, so they come from the pack only; the name and clause may be corrected."""

    list_display = ("code", "name", "highest_only", "yearly_cap_yuan")
    search_fields = ("code", "name")
    readonly_fields = ("code", "highest_only", "yearly_cap_yuan")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(RewardTier)
class RewardTierAdmin(NeverDeleteMixin, SimpleHistoryAdmin):
    list_display = ("reward_item", "order", "code", "name", "amount_yuan")
    list_filter = ("reward_item",)
    search_fields = ("code", "name", "reward_item__name")
    readonly_fields = ("reward_item", "code", "amount_yuan")  # money: from the pack only

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ("name", "credit_code", "contact_person", "contact_phone", "verified_at")
    search_fields = ("name", "credit_code")
    readonly_fields = ("created_at",)


class AttachmentInline(NeverDeleteMixin, admin.TabularInline):
    model = Attachment
    extra = 0
    readonly_fields = ("original_name", "kind", "size", "uploaded_by", "uploaded_at")
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class EventInline(NeverDeleteMixin, admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    readonly_fields = ("action", "from_status", "to_status", "actor", "comment", "created_at")
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(NeverDeleteMixin, SimpleHistoryAdmin):
    list_display = ("id", "enterprise", "reward_item", "reference", "status", "amount_yuan", "is_legacy")
    list_filter = ("status", "funding_source", "is_legacy")
    search_fields = ("enterprise__name", "enterprise__credit_code", "reference")
    list_select_related = ("enterprise", "reward_item")
    raw_id_fields = ("publicity_batch",)
    readonly_fields = (
        "reference_canonical",
        "status",
        "first_reviewed_by",
        "second_reviewed_by",
        "payment_recorded_by",
        "payment_confirmed_by",
        # money data and the duplicate key: through the platform's maker-checker only
        "enterprise",
        "reward_item",
        "reference",
        "held_for_ruling",
        "amount_yuan",
        "funding_source",
        "provisional",
        "paid_amount_yuan",
        "paid_on",
        "voucher_number",
        "is_legacy",
        "created_by",
        "created_at",
        "updated_at",
    )
    inlines = [AttachmentInline, EventInline]


@admin.register(PublicityBatch)
class PublicityBatchAdmin(NeverDeleteMixin, SimpleHistoryAdmin):
    list_display = ("title", "start_date", "end_date", "workdays", "published_by")
    readonly_fields = ("published_by", "published_at")


@admin.register(Objection)
class ObjectionAdmin(NeverDeleteMixin, SimpleHistoryAdmin):
    list_display = ("application", "received_on", "outcome", "recorded_by")
    list_filter = ("outcome",)
    raw_id_fields = ("application",)


class ReadOnlyAdmin(NeverDeleteMixin, SimpleHistoryAdmin):
    """Money decisions are made on the platform by two people; the admin only shows them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(MoneyChange)
class MoneyChangeAdmin(ReadOnlyAdmin):
    list_display = ("kind", "state", "made_by", "made_at", "checked_by", "checked_at")
    list_filter = ("kind", "state")


@admin.register(DuplicateFinding)
class DuplicateFindingAdmin(ReadOnlyAdmin):
    list_display = ("application", "other", "kind", "ruling", "ruled_by", "ruled_at")
    list_filter = ("kind", "ruling")
