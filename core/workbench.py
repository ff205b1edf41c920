"""The role home page, assembled from the panels each app registers.

An app's ``workbench.py`` defines ``panels(user) -> list[dict]`` and its ``AppConfig.ready`` calls
``core.workbench.register(workbench.panels)``; core names no feature app. Each dict has ``template`` (a
partial rendered inside a card), ``order`` and any context it needs. Keep each panel's queries
bounded: the workbench is every user's first page.
"""

from collections.abc import Callable
from typing import Any

_providers: list[Callable[..., list[dict]]] = []  # in INSTALLED_APPS order (each app's ready())


def register(panels: Callable[..., list[dict]]) -> None:
    """Called from an app's ``AppConfig.ready``; registering twice is harmless."""
    if panels not in _providers:
        _providers.append(panels)


def workbench_panels(user: Any) -> list[dict]:
    panels = []
    for provider in _providers:
        panels.extend(provider(user))
    panels.sort(key=lambda p: p.get("order", 50))
    return panels
