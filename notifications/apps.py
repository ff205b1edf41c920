from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "通知"

    def ready(self) -> None:
        from core import health, navigation, workbench

        from . import health as app_health
        from . import nav, reminders
        from . import workbench as app_workbench

        # the sidebar, the role home page, the health page and the daily reminders know this app
        # only by these calls
        navigation.register(nav.nav_group)
        workbench.register(app_workbench.panels)
        health.register(app_health.checks)
        reminders.register(self.name, reminders.collect)

        from core.files import file_problem

        from .services import alert_office_file_problem

        file_problem.connect(alert_office_file_problem, dispatch_uid="notifications.file_problem")
