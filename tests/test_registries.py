"""Apps register their sidebar groups, workbench panels, health checks and reminders in
``AppConfig.ready``; a missing piece fails loudly instead of leaving a section out."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from core import health, navigation, workbench
from meetings import selectors as meeting_selectors
from notifications.reminders import collectors


def test_every_app_with_a_module_registered_it_in_installed_apps_order():
    assert [app for app, _ in collectors()] == ["targets", "awards", "meetings", "notifications"]
    assert [f.__module__ for f in navigation._providers] == [
        "committee.nav",
        "targets.nav",
        "awards.nav",
        "meetings.nav",
        "notifications.nav",
        "scheduler.nav",
        "assessment.nav",
        "portal.nav",
    ]
    assert [f.__module__ for f in workbench._providers] == [
        "targets.workbench",
        "awards.workbench",
        "meetings.workbench",
        "notifications.workbench",
        "scheduler.workbench",
    ]
    assert [f.__module__ for f in health._providers] == ["notifications.health"]


def test_registering_twice_adds_nothing():
    before = list(navigation._providers)
    navigation.register(navigation._providers[0])
    assert navigation._providers == before


def test_meetings_without_the_targets_timeliness_selector_fails_loudly(monkeypatch):
    from targets.selectors import unit_timeliness_counts

    assert meeting_selectors._timeliness_provider is unit_timeliness_counts
    monkeypatch.setattr(meeting_selectors, "_timeliness_provider", None)
    with pytest.raises(ImproperlyConfigured):
        meeting_selectors.report_timeliness(year=2025)
