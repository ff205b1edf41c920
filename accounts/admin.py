from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "role", "enterprise", "member_unit", "email", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "full_name", "email", "phone")
    autocomplete_fields = ("enterprise", "member_unit")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("平台角色", {"fields": ("role", "full_name", "phone", "enterprise", "member_unit")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("平台角色", {"fields": ("role", "full_name", "email", "enterprise", "member_unit")}),
    )
