from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "平台基础"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import stamp_session_on_login

        user_logged_in.connect(stamp_session_on_login, dispatch_uid="core.stamp_session_on_login")

        # files written by a request or task whose transaction was rolled back are removed at its end
        from celery import signals as celery_signals
        from django.core.signals import request_finished, request_started

        from . import storage

        request_started.connect(storage.begin_unit_of_work, dispatch_uid="core.storage.begin")
        request_finished.connect(storage.discard_unreferenced, dispatch_uid="core.storage.discard")
        celery_signals.task_prerun.connect(storage.begin_unit_of_work, dispatch_uid="core.storage.begin")
        celery_signals.task_postrun.connect(storage.discard_unreferenced, dispatch_uid="core.storage.discard")
