from django.apps import AppConfig


class CommitteeConfig(AppConfig):
    name = "committee"
    verbose_name = "委员会与成员单位"

    def ready(self) -> None:
        from core import imports, navigation

        from . import nav
        from .services import RosterImporter

        # the sidebar, the role home page and the daily reminders know this app only by these calls
        navigation.register(nav.nav_group)
        imports.register(RosterImporter())
