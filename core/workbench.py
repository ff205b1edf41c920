"""The role home page, assembled from each app's ``workbench.py``.

An app's ``workbench.py`` defines ``panels(user) -> list[dict]``; each dict has ``template`` (a
partial rendered inside a card), ``order`` and any context it needs. Keep each panel's queries
bounded: the workbench is every user's first page.
"""

from importlib import import_module

WORKBENCH_APPS = ("targets", "awards", "meetings", "committee", "notifications", "scheduler")


def workbench_panels(user) -> list[dict]:
    panels = []
    for app in WORKBENCH_APPS:
        try:
            module = import_module(f"{app}.workbench")
        except ModuleNotFoundError:
            continue
        panels.extend(module.panels(user))
    panels.sort(key=lambda p: p.get("order", 50))
    return panels
