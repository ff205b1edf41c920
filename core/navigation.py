"""The sidebar, assembled from the groups each app registers.

An app's ``nav.py`` defines ``nav_group(user) -> dict | None`` and its ``AppConfig.ready`` calls
``core.navigation.register(nav.nav_group)``; core names no feature app. ``nav_group`` returns
``{"label": "…", "order": 20, "items": [("标签", "app:url_name"), …]}`` for the items that user may
open. Apps own their entries, so adding a page never means editing another app.
"""

from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString, mark_safe

from .markup import esc

_providers: list[Callable[..., dict | None]] = []  # in INSTALLED_APPS order (each app's ready())


def register(nav_group: Callable[..., dict | None]) -> None:
    """Called from an app's ``AppConfig.ready``; registering twice is harmless."""
    if nav_group not in _providers:
        _providers.append(nav_group)


@lru_cache(maxsize=512)
def menu_url(target: str, prefix: str, urlconf: str | None) -> str | None:
    """A menu entry's URL, reversed once per process and URLconf (it does not change while it runs)."""
    try:
        return reverse(target, urlconf=urlconf) if ":" in target else target
    except NoReverseMatch:
        return None


def nav_groups(request: HttpRequest) -> list[dict]:
    user = request.user
    if not user.is_authenticated:
        return []
    groups = []
    for nav_group in _providers:
        group = nav_group(user)
        if not group:
            continue
        items = []
        prefix, urlconf = get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
        for label, target in group["items"]:
            url = menu_url(target, prefix, urlconf)
            if url is not None:
                items.append({"label": label, "url": url})
        if items:
            groups.append({"label": group["label"], "order": group.get("order", 50), "items": items})
    groups.sort(key=lambda g: g["order"])
    # the longest matching prefix is the active item
    best = None
    for group in groups:
        for item in group["items"]:
            if request.path.startswith(item["url"]) and (best is None or len(item["url"]) > len(best["url"])):
                best = item
    if best:
        best["active"] = True
    return groups


def sidebar_html(groups: list[dict]) -> SafeString:
    """The sidebar's links, written here rather than by a template loop over every entry (the loop
    cost more than many a page's own content). Labels and URLs are escaped."""
    parts = []
    for group in groups:
        parts.append(f'<div class="nav-group">{esc(group["label"])}</div>')
        for item in group["items"]:
            active = ' class="active"' if item.get("active") else ""
            parts.append(f'<a href="{esc(item["url"])}"{active}>{esc(item["label"])}</a>')
    return mark_safe("".join(parts))  # noqa: S308 (every label and URL is escaped above)
