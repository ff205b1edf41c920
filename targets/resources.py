"""django-import-export resources: exports of reports and statistics (Chinese headers), and the
admin's import/export of statistics (row by row, so every imported row gets its history record)."""

from typing import Any

from import_export import fields, resources, widgets

from .models import Report, ReportMeasureLine, ReportTargetLine, Statistic, Target


def _col(attribute: str, header: str, widget: widgets.Widget | None = None) -> fields.Field:
    return fields.Field(
        attribute=attribute, column_name=header, widget=widget or widgets.Widget(), readonly=True
    )


class ReportResource(resources.ModelResource):
    unit = _col("unit__name", "单位")
    period = _col("period", "期次")
    status = fields.Field(column_name="状态", dehydrate_method="dehydrate_status")
    timeliness = fields.Field(column_name="报送情况", dehydrate_method="dehydrate_timeliness")
    first_submitted = _col("first_submitted_at", "首次提交时间", widgets.DateTimeWidget("%Y-%m-%d %H:%M"))
    submitted = _col("submitted_at", "最近提交时间", widgets.DateTimeWidget("%Y-%m-%d %H:%M"))
    returns = _col("return_count", "退回次数")
    accepted = _col("accepted_at", "采纳时间", widgets.DateTimeWidget("%Y-%m-%d %H:%M"))
    comment = _col("return_comment", "退回意见")
    summary = _col("summary", "总体情况及其他工作")

    class Meta:
        model = Report
        fields = export_order = (
            "unit",
            "period",
            "status",
            "timeliness",
            "first_submitted",
            "submitted",
            "returns",
            "accepted",
            "comment",
            "summary",
        )

    def dehydrate_status(self, report: Report) -> str:
        return report.get_status_display()

    def dehydrate_timeliness(self, report: Report) -> str:
        return Report.Timeliness(report.timeliness()).label


class ReportTargetLineResource(resources.ModelResource):
    unit = _col("report__unit__name", "单位")
    status = fields.Field(column_name="报告状态", dehydrate_method="dehydrate_status")
    code = _col("target__code", "指标编号")
    name = _col("target__name", "指标名称")
    role = fields.Field(column_name="责任", dehydrate_method="dehydrate_role")
    value = _col("value", "本期实际值", widgets.DecimalWidget())
    measure_unit = _col("target__measure_unit", "计量单位")
    target_value = _col("target__target_value", "目标值", widgets.DecimalWidget())
    stat_date = _col("stat_date", "统计日期", widgets.DateWidget("%Y-%m-%d"))
    source = _col("source", "数据来源")
    note = _col("note", "说明")
    evidence = _col("evidence_name", "佐证材料")

    class Meta:
        model = ReportTargetLine
        fields = export_order = (
            "unit",
            "status",
            "code",
            "name",
            "role",
            "value",
            "measure_unit",
            "target_value",
            "stat_date",
            "source",
            "note",
            "evidence",
        )

    def dehydrate_status(self, line: ReportTargetLine) -> str:
        return line.report.get_status_display()

    def dehydrate_role(self, line: ReportTargetLine) -> str:
        return "牵头" if line.is_lead else "配合"


class ReportMeasureLineResource(resources.ModelResource):
    unit = _col("report__unit__name", "单位")
    code = _col("measure__code", "措施编号")
    title = _col("measure__title", "措施")
    progress = _col("progress", "工作进展")
    problems = _col("problems", "存在问题")
    next_steps = _col("next_steps", "下步计划")

    class Meta:
        model = ReportMeasureLine
        fields = export_order = ("unit", "code", "title", "progress", "problems", "next_steps")


class StatisticResource(resources.ModelResource):
    """Admin import/export of statistics; imports save row by row (history rows are written)."""

    target = fields.Field(
        attribute="target", column_name="指标ID", widget=widgets.ForeignKeyWidget(Target, field="pk")
    )
    value = fields.Field(attribute="value", column_name="数值", widget=widgets.DecimalWidget())
    as_of = fields.Field(attribute="as_of", column_name="统计日期", widget=widgets.DateWidget("%Y-%m-%d"))
    source = fields.Field(attribute="source", column_name="数据来源")
    note = fields.Field(attribute="note", column_name="备注")

    class Meta:
        model = Statistic
        fields = ("id", "target", "value", "as_of", "source", "note")
        import_id_fields = ("id",)
        use_bulk = False  # bulk paths bypass django-simple-history
        skip_unchanged = True

    def before_save_instance(self, instance: Statistic, row: Any, **kwargs: Any) -> None:
        instance.origin = instance.origin or Statistic.Origin.IMPORT
