from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.template.defaultfilters import urlencode
from django.template.response import TemplateResponse
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from .markup import esc, markup

_APP = (
    '<div class="app-{label} module{current}"><table><caption>'
    '<a href="{url}" class="section" title="{title}">{name}</a></caption>'
    '<thead class="visually-hidden"><tr><th scope="col">{model_name}</th><th scope="col">{add_link}</th>'
    '<th scope="col">{change_link}</th></tr></thead>{rows}</table></div>'
)
_MODEL = (
    '<tr class="model-{model}{current}"><th scope="row" id="{label}-{model}">{name}</th>{add}{change}</tr>'
)
_LINK = '<td><a href="{}" class="{}" aria-describedby="{}-{}">{}</a></td>'


def app_list_html(app_list: list[dict[str, Any]], path: str) -> SafeString:
    """Django's ``admin/app_list.html`` of the index (``show_changelinks``) written in Python: the same
    markup and translations without a template node per cell (the index lists every model)."""
    if not app_list:
        return markup("<p>{}</p>", gettext("You don’t have permission to view or edit anything."))
    here = urlencode(path)
    words = {
        w: gettext(w) for w in ("Model name", "Add link", "Change or view list link", "Add", "View", "Change")
    }
    apps = []
    for app in app_list:
        label = esc(app["app_label"])
        rows = []
        for model in app["models"]:
            name, url = model["object_name"].lower(), model.get("admin_url")
            current = bool(url) and url in here
            title = (
                markup(
                    '<a href="{}"{}>{}</a>',
                    url,
                    mark_safe(' aria-current="page"') if current else "",
                    model["name"],
                )  # noqa: S308
                if url
                else esc(model["name"])
            )
            add = (
                markup(_LINK, model["add_url"], "addlink", label, name, words["Add"])
                if model.get("add_url")
                else "<td></td>"
            )
            if url:
                kind = (
                    ("viewlink", words["View"]) if model.get("view_only") else ("changelink", words["Change"])
                )
                change: str = markup(_LINK, url, kind[0], label, name, kind[1])
            else:
                change = "<td></td>"
            rows.append(
                _MODEL.format(
                    model=esc(name),
                    current=" current-model" if current else "",
                    label=label,
                    name=title,
                    add=add,
                    change=change,
                )
            )
        apps.append(
            _APP.format(
                label=label,
                current=" current-app" if app["app_url"] in here else "",
                url=esc(app["app_url"]),
                # as {% blocktranslate %}: the name escaped, the sentence as translated
                title=gettext("Models in the %(name)s application") % {"name": esc(app["name"])},
                name=esc(app["name"]),
                model_name=esc(words["Model name"]),
                add_link=esc(words["Add link"]),
                change_link=esc(words["Change or view list link"]),
                rows="".join(rows),
            )
        )
    return mark_safe("".join(apps))  # noqa: S308 (every value escaped above)


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

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        """Django's index, its app list drawn by ``app_list_html`` (templates/admin/index.html)."""
        response = super().index(request, extra_context)
        context = response.context_data or {}
        context["app_list_html"] = app_list_html(context.get("app_list") or [], request.path)
        return response

    def has_permission(self, request: HttpRequest) -> bool:
        # the admin is for the IT administrator role only (docs/design.md); office staff use the platform
        user = request.user
        return user.is_active and user.is_staff and getattr(user, "role", None) == "admin"


class PlatformAdminConfig(AdminConfig):
    default_site = "core.admin_site.PlatformAdminSite"
