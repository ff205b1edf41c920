from django.apps import AppConfig


class SchedulerConfig(AppConfig):
    name = "scheduler"
    verbose_name = "计划任务与半年报告"

    def ready(self) -> None:
        from core import navigation, workbench

        from . import nav, signals
        from . import workbench as app_workbench

        # the sidebar, the role home page and the daily reminders know this app only by these calls
        navigation.register(nav.nav_group)
        workbench.register(app_workbench.panels)
        # the period-start schedule follows the reporting rhythm and the meeting rule
        signals.connect()
