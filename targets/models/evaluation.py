"""终期评估 of a plan beyond its targets: the narrative, the sign-off, and the verdicts on measures
and qualitative goals; and the units' report lines on qualitative goals."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .plan import Measure, Plan, QualitativeGoal
from .reporting import Report, TargetEvaluation, _user_field


class PlanEvaluation(models.Model):
    """The plan's final evaluation as one document: frozen once an approver signs it off."""

    class Status(models.TextChoices):
        DRAFT = "draft", "编制中"
        SIGNED_OFF = "signed_off", "已签发"

    plan = models.OneToOneField(
        Plan, verbose_name="规划", on_delete=models.PROTECT, related_name="evaluation"
    )
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    overview = models.TextField("一、总体评价", blank=True)
    achievements = models.TextField("二、主要成效", blank=True)
    problems = models.TextField("三、存在问题", blank=True)
    suggestions = models.TextField("四、下一步建议", blank=True)
    signed_by = _user_field("签发人")
    signed_at = models.DateTimeField("签发时间", null=True, blank=True)
    reopened_by = _user_field("重新打开人")
    reopened_at = models.DateTimeField("重新打开时间", null=True, blank=True)
    reopen_reason = models.TextField("重新打开原因", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "规划终期评估"
        verbose_name_plural = "规划终期评估"
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="signed_off") | (Q(signed_by__isnull=False) & Q(signed_at__isnull=False)),
                name="targets_planevaluation_signed_has_signer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan}终期评估"

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.SIGNED_OFF


class MeasureEvaluation(models.Model):
    """The office's conclusion on one measure, written from the responsible units' report lines."""

    measure = models.OneToOneField(
        Measure, verbose_name="措施", on_delete=models.PROTECT, related_name="evaluation"
    )
    comment = models.TextField("落实情况评价", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "措施终期评估"
        verbose_name_plural = "措施终期评估"

    def __str__(self) -> str:
        return f"{self.measure.code} 终期评估"


class GoalEvaluation(models.Model):
    goal = models.OneToOneField(
        QualitativeGoal, verbose_name="定性目标", on_delete=models.PROTECT, related_name="evaluation"
    )
    result = models.CharField("评估结论", max_length=20, choices=TargetEvaluation.Result.choices)
    comment = models.TextField("评估意见", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "定性目标终期评估"
        verbose_name_plural = "定性目标终期评估"

    def __str__(self) -> str:
        return f"{self.goal} — {self.get_result_display()}"


class ReportGoalLine(models.Model):
    """The unit's account of what it did toward one qualitative goal in a half year."""

    report = models.ForeignKey(
        Report, verbose_name="报告", on_delete=models.CASCADE, related_name="goal_lines"
    )
    goal = models.ForeignKey(
        QualitativeGoal, verbose_name="定性目标", on_delete=models.PROTECT, related_name="report_lines"
    )
    progress = models.TextField("工作情况", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "报告定性目标行"
        verbose_name_plural = "报告定性目标行"
        ordering = ["report", "goal__order", "goal_id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "goal"], name="targets_reportgoalline_unique_goal"),
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.goal.code}"
