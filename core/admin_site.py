from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class PlatformAdminSite(admin.AdminSite):
    site_title = "系统管理"
    index_title = "数据与配置"

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        from .policy import platform_name

        context = super().each_context(request)
        context["site_header"] = f"{platform_name()} · 系统管理"
        return context

    def has_permission(self, request: HttpRequest) -> bool:
        # the admin is for the IT administrator role only (docs/design.md); office staff use the platform
        user = request.user
        return user.is_active and user.is_staff and getattr(user, "role", None) == "admin"


class PlatformAdminConfig(AdminConfig):
    default_site = "core.admin_site.PlatformAdminSite"
