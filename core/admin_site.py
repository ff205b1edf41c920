from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class PlatformAdminSite(admin.AdminSite):
    site_header = "监利市质量品牌工作平台 · 系统管理"
    site_title = "系统管理"
    index_title = "数据与配置"

    def has_permission(self, request):
        # the admin is for the IT administrator role only (docs/design.md); office staff use the platform
        user = request.user
        return user.is_active and user.is_staff and getattr(user, "role", None) == "admin"


class PlatformAdminConfig(AdminConfig):
    default_site = "core.admin_site.PlatformAdminSite"
