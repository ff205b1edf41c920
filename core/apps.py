from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "平台基础"

    def ready(self):
        # 请选择 instead of Django's "---------" for every empty choice (model-form selects and
        # ModelChoiceField): the platform shows no raw placeholder codes (issue 19 point 9).
        from django import forms
        from django.db.models import fields

        fields.BLANK_CHOICE_DASH[:] = [("", "请选择")]
        forms.ModelChoiceField.__init__.__kwdefaults__["empty_label"] = "请选择"

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

        from django.db.backends.signals import connection_created

        from . import pagecache

        connection_created.connect(pagecache.install, dispatch_uid="core.pagecache.install")
        pagecache.install_on_open_connections()
