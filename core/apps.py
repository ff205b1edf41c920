from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "平台基础"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import stamp_session_on_login

        user_logged_in.connect(stamp_session_on_login, dispatch_uid="core.stamp_session_on_login")
