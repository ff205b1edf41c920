"""Import batches move to the one import pipeline's model (core.ImportBatch), ids kept.

Every targets batch is copied with its id, file, rows, errors, uploader and times (kind becomes
``targets.<kind>``, plan/report/source go into ``params``); statistics keep pointing at the same
ids. Reversible: going back copies the targets batches into the old table first.
"""

import django.db.models.deletion
from django.db import migrations, models

RESULTS = {"statistics": "已导入 {n} 条统计数据，看板已更新。", "report_template": "模板内容已导入。"}


def _reset_sequence(schema_editor, model):
    connection = schema_editor.connection
    for sql in connection.ops.sequence_reset_sql(_NoStyle(), [model]):
        schema_editor.execute(sql)


class _NoStyle:
    def __getattr__(self, name):
        return lambda text: text


def to_core(apps, schema_editor):
    Old = apps.get_model("targets", "ImportBatch")
    New = apps.get_model("core", "ImportBatch")
    Report = apps.get_model("targets", "Report")
    Plan = apps.get_model("targets", "Plan")
    plans = dict(Plan.objects.values_list("pk", "name"))
    for old in Old.objects.order_by("pk"):
        params = {"plan": old.plan_id}
        if old.report_id:
            params["report"] = old.report_id
            report = Report.objects.select_related("unit", "period").get(pk=old.report_id)
            half = "上半年" if report.period.half == 1 else "下半年"
            summary = f"{report.unit.name} {report.period.year}年{half}进度报告"
        else:
            params["source"] = old.source
            summary = f"{plans.get(old.plan_id, '')} · 来源：{old.source}" if old.source else plans.get(old.plan_id, "")
        applied = old.status == "applied"
        New.objects.create(
            pk=old.pk,
            kind=f"targets.{old.kind}",
            status=old.status,
            file=old.file.name,
            original_name=old.original_name,
            summary=summary[:300],
            params=params,
            rows=old.rows,
            errors=old.errors,
            row_count=old.row_count,
            result=RESULTS[old.kind].format(n=old.row_count) if applied else "",
            uploaded_by_id=old.uploaded_by_id,
            # batches were confirmed by their uploader (nobody else could open them)
            applied_by_id=old.uploaded_by_id if applied else None,
            applied_at=old.applied_at,
        )
        New.objects.filter(pk=old.pk).update(uploaded_at=old.uploaded_at)  # auto_now_add on create
    _reset_sequence(schema_editor, New)


def to_targets(apps, schema_editor):
    Old = apps.get_model("targets", "ImportBatch")
    New = apps.get_model("core", "ImportBatch")
    for new in New.objects.filter(kind__startswith="targets.").order_by("pk"):
        Old.objects.create(
            pk=new.pk,
            kind=new.kind.removeprefix("targets."),
            status=new.status,
            file=new.file.name,
            original_name=new.original_name,
            plan_id=new.params["plan"],
            report_id=new.params.get("report"),
            source=new.params.get("source", ""),
            rows=new.rows,
            errors=new.errors,
            row_count=new.row_count,
            uploaded_by_id=new.uploaded_by_id,
            applied_at=new.applied_at,
        )
        Old.objects.filter(pk=new.pk).update(uploaded_at=new.uploaded_at)
    _reset_sequence(schema_editor, Old)


def drop_copied(apps, schema_editor):
    apps.get_model("core", "ImportBatch").objects.filter(kind__startswith="targets.").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_importbatch"),
        ("targets", "0005_period_rhythm"),
    ]

    operations = [
        # forward: copy, repoint, drop; backward: recreate, copy back, repoint, drop the copies
        migrations.RunPython(to_core, drop_copied),
        migrations.AlterField(
            model_name="historicalstatistic",
            name="batch",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="core.importbatch",
                verbose_name="导入批次",
            ),
        ),
        migrations.AlterField(
            model_name="statistic",
            name="batch",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="statistics",
                to="core.importbatch",
                verbose_name="导入批次",
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, to_targets),
        migrations.DeleteModel(name="ImportBatch"),
    ]
