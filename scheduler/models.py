from django.conf import settings
from django.db import models
from django.urls import reverse

from core import rhythm as rh


class HalfYearReport(models.Model):
    """The progress report of one reporting period (half year, quarter or year: ``rhythm``), built
    after the period's due date. ``half`` is the period's number within its year.

    ``figures`` holds every number the files show, so a rebuild can be compared with the previous
    build and the office page shows them without opening a file. Rebuilding replaces the files of
    the same key (never a second report for the same half year).
    """

    key = models.CharField("期次编号", max_length=10, unique=True, help_text="例如 2025H1、2026Q1、2026Y")
    year = models.PositiveSmallIntegerField("年度")
    rhythm = models.CharField("报送周期", max_length=10, choices=rh.RHYTHM_CHOICES, default=rh.HALF)
    # 1–2 for half years, 1–4 for quarters, 1 for a year (the period of the rhythm)
    half = models.PositiveSmallIntegerField("期次序号")
    title = models.CharField("标题", max_length=200)
    figures = models.JSONField("报告数据", default=dict)
    xlsx = models.ForeignKey(
        "core.StoredDocument",
        verbose_name="Excel 文件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    docx = models.ForeignKey(
        "core.StoredDocument",
        verbose_name="Word 文件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    first_built_at = models.DateTimeField("首次生成时间", auto_now_add=True)
    built_at = models.DateTimeField("最近生成时间", null=True, blank=True)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="最近生成人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="为空表示由计划任务自动生成",
    )
    build_count = models.PositiveIntegerField("生成次数", default=0)

    class Meta:
        verbose_name = "进度报告"
        verbose_name_plural = "进度报告"
        ordering = ["-year", "-half"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rhythm=rh.QUARTER, half__gte=1, half__lte=4)
                | models.Q(rhythm=rh.HALF, half__in=[1, 2])
                | models.Q(rhythm=rh.YEAR, half=1),
                name="scheduler_halfyearreport_number_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("scheduler:report_detail", args=[self.key])

    @property
    def term(self) -> rh.Period:
        return rh.Period(self.year, self.half, self.rhythm)

    @property
    def term_name(self) -> str:
        """2025年上半年 / 2026年第一季度 / 2026年度 (the lists show it instead of the half's name)."""
        return self.term.name


class ScheduleChange(models.Model):
    """Who changed a periodic task's schedule on the platform, and from what to what.

    django-celery-beat keeps no history of its own (and the beat rewrites last-run fields every
    minute, so a full history of PeriodicTask would be noise); edits from /scheduler/schedules/
    are recorded here.
    """

    task_name = models.CharField("计划任务", max_length=200)
    before = models.CharField("修改前", max_length=300)
    after = models.CharField("修改后", max_length=300)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField("修改时间", auto_now_add=True)

    class Meta:
        verbose_name = "计划任务修改记录"
        verbose_name_plural = "计划任务修改记录"
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.task_name}：{self.before} → {self.after}"
