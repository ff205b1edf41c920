from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


class PlatformAdminSite(admin.AdminSite):
    site_title = "系统管理"
    index_title = "数据与配置"

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        """Django's ``each_context`` with the nav sidebar's app list built only when a page shows the
        sidebar: the index passes its own app list and has none, so it no longer builds it twice."""
        from .policy import platform_name

        script_name = request.META["SCRIPT_NAME"]
        return {
            "site_title": self.site_title,
            "site_header": f"{platform_name()} · 系统管理",
            "site_url": script_name if self.site_url == "/" and script_name else self.site_url,
            "has_permission": self.has_permission(request),
            "available_apps": SimpleLazyObject(lambda: self.get_app_list(request)),
            "is_popup": False,
            "is_nav_sidebar_enabled": self.enable_nav_sidebar,
            "log_entries": self.get_log_entries(request),
        }

    def has_permission(self, request: HttpRequest) -> bool:
        # the admin is for the IT administrator role only (docs/design.md); office staff use the platform
        user = request.user
        return user.is_active and user.is_staff and getattr(user, "role", None) == "admin"


class PlatformAdminConfig(AdminConfig):
    default_site = "core.admin_site.PlatformAdminSite"
