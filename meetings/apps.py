from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "联席会议与督办"

    def ready(self) -> None:
        from core import imports, navigation, workbench
        from notifications import reminders

        from . import nav
        from . import reminders as app_reminders
        from . import workbench as app_workbench
        from .services.history import HistoryImporter

        # the sidebar, the role home page and the daily reminders know this app only by these calls
        navigation.register(nav.nav_group)
        workbench.register(app_workbench.panels)
        reminders.register(self.name, app_reminders.collect)
        imports.register(HistoryImporter())
