"""Periodic reporting (quarter, half year or year: core.rhythm): periods, one report per member unit, its
lines, and the numbers behind the dashboard."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from committee.models import MemberUnit
from core import rhythm as rh
from core.dates import cn_date
from core.fields import user_field

from .plan import Measure, Plan, Target

_user_field = user_field


class ReportingPeriod(models.Model):
    """A reporting period of a plan (a quarter, a half year or a year, as ``rhythm`` says: the office's
    reporting rhythm when it was opened); opening it creates one report per responsible member unit.
    ``half`` is the period's number within its year (1–4 quarters, 1–2 halves, 1 for a year)."""

    class Half(models.IntegerChoices):
        FIRST = 1, "上半年"
        SECOND = 2, "下半年"

    class Status(models.TextChoices):
        OPEN = "open", "报送中"
        CLOSED = "closed", "已关闭"

    plan = models.ForeignKey(Plan, verbose_name="规划", on_delete=models.PROTECT, related_name="periods")
    year = models.PositiveSmallIntegerField("年度")
    rhythm = models.CharField("报送周期", max_length=10, choices=rh.RHYTHM_CHOICES, default=rh.HALF)
    half = models.PositiveSmallIntegerField("期次序号", choices=Half.choices)
    start_date = models.DateField("起始日期")
    end_date = models.DateField("截止日期")
    due_date = models.DateField("报送截止日")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    backfilled = models.BooleanField("补录期次", default=False, help_text="规划期已过、由办公室依旧表格补录")
    opened_at = models.DateTimeField("开放时间", default=timezone.now)
    opened_by = _user_field("开放人")

    history = HistoricalRecords()

    # not fields: set on the periods of the period list by targets.views.reports._listed
    counts: dict[str, int]
    url: str
    export_url: str

    class Meta:
        verbose_name = "报送期次"
        verbose_name_plural = "报送期次"
        ordering = ["-year", "-half"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "rhythm", "year", "half"], name="targets_reportingperiod_unique_term"
            ),
            models.CheckConstraint(
                condition=Q(rhythm=rh.QUARTER, half__gte=1, half__lte=4)
                | Q(rhythm=rh.HALF, half__in=[1, 2])
                | Q(rhythm=rh.YEAR, half=1),
                name="targets_reportingperiod_number_valid",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")), name="targets_reportingperiod_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.term.name

    def get_absolute_url(self) -> str:
        return reverse("targets:period_detail", args=[self.pk])

    @property
    def label(self) -> str:
        return str(self)

    @property
    def term(self) -> rh.Period:
        return rh.Period(self.year, self.half, self.rhythm)

    @property
    def key(self) -> str:
        """Short business key, e.g. ``2025H1``, ``2026Q1``, ``2026Y``."""
        return self.term.key

    @staticmethod
    def bounds(year: int, half: int, rhythm_code: str = rh.HALF) -> tuple[dt.date, dt.date]:
        return rh.bounds(year, half, rhythm_code)


class Report(models.Model):
    """One member unit's report for one period (docs/design.md: 未开始 → 草稿 → 已提交 → 退回 → 已提交 → 已采纳)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "未开始"
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交"
        RETURNED = "returned", "退回"
        ACCEPTED = "accepted", "已采纳"

    # the unit may still change it (and a period opened again adds lines to it); the one list
    EDITABLE_STATUSES = (Status.NOT_STARTED, Status.DRAFT, Status.RETURNED)

    class Timeliness(models.TextChoices):
        ON_TIME = "on_time", "按时"
        LATE = "late", "逾期提交"
        MISSING = "missing", "未报送"
        PENDING = "pending", "未到期"
        BACKFILLED = "backfilled", "补录"

    period = models.ForeignKey(
        ReportingPeriod, verbose_name="期次", on_delete=models.PROTECT, related_name="reports"
    )
    unit = models.ForeignKey(
        MemberUnit, verbose_name="成员单位", on_delete=models.PROTECT, related_name="progress_reports"
    )
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    backfilled = models.BooleanField("补录", default=False)
    summary = models.TextField("总体情况及其他工作", blank=True)
    first_submitted_at = models.DateTimeField(
        "首次提交时间", null=True, blank=True, help_text="是否按时以首次提交时间为准"
    )
    submitted_at = models.DateTimeField("最近提交时间", null=True, blank=True)
    submitted_by = _user_field("提交人")
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    return_comment = models.TextField("退回意见", blank=True)
    return_count = models.PositiveSmallIntegerField("退回次数", default=0)
    reviewed_by = _user_field("审核人")
    accepted_at = models.DateTimeField("采纳时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "进度报告"
        verbose_name_plural = "进度报告"
        ordering = ["period", "unit__order", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="targets_report_unique_unit_per_period"),
            models.CheckConstraint(
                condition=Q(status__in=["not_started", "draft"]) | Q(first_submitted_at__isnull=False),
                name="targets_report_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period}进度报告"

    def get_absolute_url(self) -> str:
        return reverse("targets:report_detail", args=[self.pk])

    @property
    def is_editable_by_unit(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    def timeliness(self, today: dt.date | None = None) -> str:
        """On time / late from the FIRST submission's local date against the due date; missing once overdue."""
        return self.timeliness_of(
            backfilled=self.backfilled,
            due=self.period.due_date,
            first_submitted_at=self.first_submitted_at,
            today=today,
        )

    @classmethod
    def timeliness_of(
        cls, *, backfilled: bool, due: dt.date, first_submitted_at: dt.datetime | None, today: dt.date | None
    ) -> str:
        """``timeliness`` of a report's values (a list read as rows, not models)."""
        if backfilled:
            return cls.Timeliness.BACKFILLED
        if first_submitted_at:
            submitted_on = timezone.localdate(first_submitted_at)
            return cls.Timeliness.ON_TIME if submitted_on <= due else cls.Timeliness.LATE
        today = today or timezone.localdate()
        return cls.Timeliness.MISSING if today > due else cls.Timeliness.PENDING


def evidence_upload_to(instance: "ReportTargetLine", filename: str) -> str:
    # the stored name never reuses the uploader's file name (shown from evidence_name instead)
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"targets/evidence/{timezone.now():%Y/%m}/{instance.report_id}-{instance.target_id}.{suffix}"


class ReportTargetLine(models.Model):
    """The unit's current actual for one target it owns."""

    report = models.ForeignKey(
        Report, verbose_name="报告", on_delete=models.CASCADE, related_name="target_lines"
    )
    target = models.ForeignKey(
        Target, verbose_name="指标", on_delete=models.PROTECT, related_name="report_lines"
    )
    role = models.CharField("责任", max_length=10, default="lead", help_text="牵头单位须填报实际值")
    value = models.DecimalField("实际值", max_digits=14, decimal_places=2, null=True, blank=True)
    stat_date = models.DateField("统计日期", null=True, blank=True)
    source = models.CharField("数据来源", max_length=100, blank=True)
    evidence = models.FileField("佐证材料", upload_to=evidence_upload_to, blank=True)
    evidence_name = models.CharField("佐证材料文件名", max_length=200, blank=True)
    note = models.TextField("说明", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "报告指标行"
        verbose_name_plural = "报告指标行"
        ordering = ["report", "target__order", "target_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "target"], name="targets_reporttargetline_unique_target"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0),
                name="targets_reporttargetline_value_nonnegative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.target.code}"

    @property
    def is_lead(self) -> bool:
        return self.role == "lead"


class ReportMeasureLine(models.Model):
    """The unit's narrative on one measure it is responsible for."""

    report = models.ForeignKey(
        Report, verbose_name="报告", on_delete=models.CASCADE, related_name="measure_lines"
    )
    measure = models.ForeignKey(
        Measure, verbose_name="措施", on_delete=models.PROTECT, related_name="report_lines"
    )
    progress = models.TextField("工作进展", blank=True)
    problems = models.TextField("存在问题", blank=True)
    next_steps = models.TextField("下步计划", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "报告措施行"
        verbose_name_plural = "报告措施行"
        ordering = ["report", "measure__order", "measure_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "measure"], name="targets_reportmeasureline_unique_measure"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.measure.code}"


class Statistic(models.Model):
    """A value of a target at a date: what the dashboard reads.

    Written only when the office accepts a report (one row per filled line) or imports official
    statistics; drafts and submitted-but-unaccepted reports never appear here.
    """

    class Origin(models.TextChoices):
        REPORT = "report", "成员单位报告"
        IMPORT = "import", "办公室导入"

    target = models.ForeignKey(
        Target, verbose_name="指标", on_delete=models.PROTECT, related_name="statistics"
    )
    value = models.DecimalField("数值", max_digits=14, decimal_places=2)
    as_of = models.DateField("统计日期")
    source = models.CharField("数据来源", max_length=100)
    origin = models.CharField("来源类别", max_length=10, choices=Origin.choices)
    unit = models.ForeignKey(
        MemberUnit, verbose_name="报送单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    report_line = models.ForeignKey(
        ReportTargetLine,
        verbose_name="报告行",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statistics",
    )
    batch = models.ForeignKey(
        "core.ImportBatch",
        verbose_name="导入批次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statistics",
    )
    backfilled = models.BooleanField("补录", default=False)
    note = models.TextField("备注", blank=True)
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)
    recorded_by = _user_field("记录人")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "指标数值"
        verbose_name_plural = "指标数值"
        ordering = ["target", "-as_of", "-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="targets_statistic_value_nonnegative"),
            models.CheckConstraint(
                condition=~Q(origin="report") | Q(report_line__isnull=False),
                name="targets_statistic_report_has_line",
            ),
        ]
        indexes = [
            # latest value per target (dashboard, target page history chart)
            models.Index(fields=["target", "as_of", "recorded_at"], name="targets_stat_target_asof_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.target.code} {self.value}（{cn_date(self.as_of)}）"


class TargetEvaluation(models.Model):
    """终期评估 of one target once its plan is over."""

    class Result(models.TextChoices):
        ACHIEVED = "achieved", "已完成"
        NOT_ACHIEVED = "not_achieved", "未完成"
        NOT_MEASURABLE = "not_measurable", "无法评估"

    target = models.OneToOneField(
        Target, verbose_name="指标", on_delete=models.PROTECT, related_name="evaluation"
    )
    result = models.CharField("评估结论", max_length=20, choices=Result.choices)
    final_value = models.DecimalField("最终值", max_digits=14, decimal_places=2, null=True, blank=True)
    final_as_of = models.DateField("最终值统计日期", null=True, blank=True)
    comment = models.TextField("评估意见", blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="评估人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    evaluated_at = models.DateTimeField("评估时间", default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "终期评估"
        verbose_name_plural = "终期评估"
        ordering = ["target__plan", "target__order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(result="not_measurable") | Q(final_value__isnull=False),
                name="targets_targetevaluation_value_unless_unmeasurable",
            ),
            models.CheckConstraint(
                condition=Q(final_value__isnull=True) | Q(final_value__gte=0),
                name="targets_targetevaluation_value_nonnegative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target} — {self.get_result_display()}"
