from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "通知"

    def ready(self):
        from core.files import file_problem

        from .services import alert_office_file_problem

        file_problem.connect(alert_office_file_problem, dispatch_uid="notifications.file_problem")
