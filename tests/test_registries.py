"""Apps register their sidebar groups, workbench panels and reminders in ``AppConfig.ready``; a
missing piece fails loudly instead of leaving a section out."""

from core import navigation, workbench
from notifications.reminders import collectors


def test_every_app_with_a_module_registered_it_in_installed_apps_order():
    assert [app for app, _ in collectors()] == ["targets", "awards", "meetings", "notifications"]
    assert [f.__module__ for f in navigation._providers] == [
        "core.nav",
        "committee.nav",
        "targets.nav",
        "awards.nav",
        "meetings.nav",
        "notifications.nav",
        "scheduler.nav",
        "assessment.nav",
    ]
    assert [f.__module__ for f in workbench._providers] == [
        "targets.workbench",
        "awards.workbench",
        "meetings.workbench",
        "notifications.workbench",
        "scheduler.workbench",
    ]


def test_registering_twice_adds_nothing():
    before = list(navigation._providers)
    navigation.register(navigation._providers[0])
    assert navigation._providers == before
