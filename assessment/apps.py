from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = "督查考核"

    def ready(self) -> None:
        from core import navigation

        from . import nav

        # the sidebar, the role home page and the daily reminders know this app only by these calls
        navigation.register(nav.nav_group)
