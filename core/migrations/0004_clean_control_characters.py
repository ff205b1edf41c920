"""Issue 12 (3): remove control characters already stored in text fields.

Forms and imports refuse them from now on (core.text); rows stored before keep breaking every xlsx
and docx export that contains them. Single-line fields get a space for a tab or line break, other
controls are dropped. Only rows that hold one are touched (a regex filter), history rows included.
"""

from django.db import migrations, models

CONTROLS = r"\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
PROJECT_APPS = {"core", "accounts", "committee", "targets", "awards", "meetings", "notifications", "scheduler"}


def clean(apps, schema_editor):
    from core.text import strip_controls

    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS or not model._meta.managed or model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField) or field.choices:
                continue
            multiline = isinstance(field, models.TextField)
            pattern = f"[{CONTROLS}]" if multiline else f"[{CONTROLS}\\t\\n\\r]"
            rows = model._base_manager.filter(**{f"{field.attname}__regex": pattern})
            for pk, value in rows.values_list("pk", field.attname).iterator():
                model._base_manager.filter(pk=pk).update(
                    **{field.attname: strip_controls(value, multiline=multiline)}
                )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_policydocument_calendaryear"),
        ("accounts", "0003_user_manager"),
        ("committee", "0002_unit_contacts"),
        ("targets", "0003_constraint_messages"),
        ("awards", "0003_office_list_index"),
        ("meetings", "0002_meetings_and_followups"),
        ("notifications", "0002_outbox_states"),
        ("scheduler", "0001_reports"),
    ]

    operations = [migrations.RunPython(clean, migrations.RunPython.noop)]
