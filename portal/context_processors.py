"""The context every page gets: platform name, upload limits, and for a signed-in user the sidebar and the
unread count. It sits in the top layer because it reads ``notifications``."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf
from django.utils.functional import SimpleLazyObject

from core.navigation import menu_url, nav_groups, sidebar_html
from core.policy import platform_name, policy_document, rhythm_name
from notifications.services import unread_count


def _maybe_reverse(name: str) -> str | None:
    return menu_url(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


def platform(request: HttpRequest) -> dict[str, Any]:
    context = {
        "platform_name": SimpleLazyObject(platform_name),
        "publicity_url": _maybe_reverse("awards:publicity"),
        "register_url": _maybe_reverse("awards:register"),
        # upload limits, shown next to every file input before anything is chosen (static/js/app.js)
        "max_attachment_bytes": settings.MAX_ATTACHMENT_BYTES,
        "max_xlsx_bytes": settings.MAX_XLSX_BYTES,
        # one query, only on pages that cite the policy
        "policy": SimpleLazyObject(policy_document),
        # 季度 / 半年 / 年度, for “季度进度报告” and the like (one query, only on pages that use it)
        "rhythm_name": SimpleLazyObject(rhythm_name),
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["nav_groups"] = groups = nav_groups(request)
        context["sidebar"] = sidebar_html(groups)
        context["inbox_url"] = _maybe_reverse("notifications:inbox")
        context["unread_notifications"] = unread_count(user)
    return context
