"""The sidebar, assembled from the groups each app registers.

An app's ``nav.py`` defines ``nav_group(user) -> dict | None`` and its ``AppConfig.ready`` calls
``core.navigation.register(nav.nav_group)``; core names no feature app. ``nav_group`` returns
``{"label": "…", "order": 20, "items": [("标签", "app:url_name"), …]}`` for the items that user may
open. Apps own their entries, so adding a page never means editing another app.
"""

from collections.abc import Callable

from django.urls import NoReverseMatch, reverse

_providers: list[Callable[..., dict | None]] = []  # in INSTALLED_APPS order (each app's ready())


def register(nav_group: Callable[..., dict | None]) -> None:
    """Called from an app's ``AppConfig.ready``; registering twice is harmless."""
    if nav_group not in _providers:
        _providers.append(nav_group)


def nav_groups(request) -> list[dict]:
    user = request.user
    if not user.is_authenticated:
        return []
    groups = []
    for nav_group in _providers:
        group = nav_group(user)
        if not group:
            continue
        items = []
        for label, target in group["items"]:
            try:
                url = reverse(target) if ":" in target else target
            except NoReverseMatch:
                continue
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
