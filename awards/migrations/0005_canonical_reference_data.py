from django.db import migrations, models

FOUND_ON = "编号规范化（数据迁移）"


def canonical_forms(apps, schema_editor):
    """Give every record its canonical reference; hold (never merge or delete) what that reveals.

    Records of one enterprise that now share an item and a canonical reference stay as they are:
    the later ones are held outside the unique rule and listed for a ruling on the integrity page.
    """
    from awards.services.integrity import findings_scan
    from awards.validators import canonical_reference

    Application = apps.get_model("awards", "Application")
    DuplicateFinding = apps.get_model("awards", "DuplicateFinding")
    first: dict[tuple, int] = {}
    for row in Application.objects.order_by("id").only(
        "id", "reference", "enterprise_id", "reward_item_id", "status"
    ):
        canonical = canonical_reference(row.reference)[:100]
        held = False
        if canonical and row.status not in ("rejected", "withdrawn"):
            key = (row.enterprise_id, row.reward_item_id, canonical)
            if key in first:
                held = True
                DuplicateFinding.objects.get_or_create(
                    application_id=row.id,
                    other_id=first[key],
                    kind="same_award",
                    defaults={"reference_canonical": canonical, "found_on": FOUND_ON},
                )
            else:
                first[key] = row.id
        Application.objects.filter(pk=row.id).update(reference_canonical=canonical, held_for_ruling=held)
    findings_scan(application_model=Application, finding_model=DuplicateFinding, found_on=FOUND_ON)


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0004_canonical_reference_findings"),
    ]

    operations = [
        migrations.RunPython(canonical_forms, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="application",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    models.Q(("status__in", ("rejected", "withdrawn")), _negated=True),
                    models.Q(("reference_canonical", ""), _negated=True),
                    ("held_for_ruling", False),
                ),
                fields=("enterprise", "reward_item", "reference_canonical"),
                name="awards_application_one_live_per_award",
            ),
        ),
    ]
