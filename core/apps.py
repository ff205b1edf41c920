from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "平台基础"

    def ready(self) -> None:
        from . import imports
        from .calendar import CalendarImporter

        imports.register(CalendarImporter())

        # 请选择 instead of Django's "---------" for every empty choice (model-form selects and
        # ModelChoiceField): the platform shows no raw placeholder codes (issue 19 point 9).
        from django import forms
        from django.db.models import fields

        from . import policy  # noqa: F401  (its save signal forgets the memo)

        fields.BLANK_CHOICE_DASH[:] = [("", "请选择")]
        kwdefaults = forms.ModelChoiceField.__init__.__kwdefaults__
        assert kwdefaults is not None  # empty_label is keyword-only
        kwdefaults["empty_label"] = "请选择"

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

        install_text_validators()


def install_text_validators() -> None:
    """Every form ``CharField`` refuses control characters (``core.text``): Django itself refuses only
    NUL. A textarea keeps tab and line breaks; any other widget is one line. Fields that bring their
    own validators (e-mail, URL, slug) already refuse them. Read by ``Field.__init__`` after the
    widget is set."""
    from django import forms

    from .text import ControlCharacterValidator, validate_single_line, validate_text

    def default_validators(field: forms.Field) -> list[ControlCharacterValidator]:
        return [validate_text if isinstance(field.widget, forms.Textarea) else validate_single_line]

    # a property, so that each field's widget decides (django-stubs types the attribute as a list)
    forms.CharField.default_validators = property(default_validators)  # type: ignore[assignment]
