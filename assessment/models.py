"""三(三) 强化督查考核: the office's scoring scheme for a year, as data, and the published scores."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from committee.models import MemberUnit
from core.fields import user_field


class AssessmentScheme(models.Model):
    """One year's scoring rules; frozen (with its results) once published to the units."""

    class Status(models.TextChoices):
        DRAFT = "draft", "未发布"
        PUBLISHED = "published", "已发布"

    year = models.PositiveSmallIntegerField("考核年度", unique=True)
    note = models.TextField("考核说明", blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = user_field("发布人")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="assessment_assessmentscheme_year_range"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="assessment_assessmentscheme_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年度督查考核方案"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def full_marks(self) -> Decimal:
        return sum((item.weight for item in self.items.all()), Decimal(0))


class AssessmentItem(models.Model):
    """One scored item: full marks (weight) minus a deduction per occurrence of one kind of fact."""

    class Kind(models.TextChoices):
        REPORT_LATE = "report_late", "进度报告逾期报送"
        REPORT_MISSING = "report_missing", "进度报告未报送"
        REPORT_RETURNED = "report_returned", "进度报告被退回"
        FOLLOWUP_OVERDUE = "followup_overdue", "督办事项逾期未办结"
        FOLLOWUP_CLOSED_LATE = "followup_closed_late", "督办事项逾期办结"
        TARGET_BEHIND = "target_behind", "牵头指标进度滞后"

    scheme = models.ForeignKey(
        AssessmentScheme, verbose_name="考核方案", on_delete=models.CASCADE, related_name="items"
    )
    kind = models.CharField("扣分情形", max_length=30, choices=Kind.choices)
    name = models.CharField("考核项目", max_length=100)
    weight = models.DecimalField(
        "分值",
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal(100))],
    )
    deduction = models.DecimalField(
        "每次扣分",
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal(100))],
    )
    order = models.PositiveSmallIntegerField("顺序", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "考核项目"
        verbose_name_plural = "考核项目"
        ordering = ["scheme", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "kind"], name="assessment_assessmentitem_unique_kind"),
            models.CheckConstraint(
                condition=Q(weight__gt=0) & Q(weight__lte=100), name="assessment_assessmentitem_weight_range"
            ),
            models.CheckConstraint(
                condition=Q(deduction__gt=0) & Q(deduction__lte=100),
                name="assessment_assessmentitem_deduction_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AssessmentResult(models.Model):
    """A unit's score as published: written once, at publication, with every item's evidence."""

    scheme = models.ForeignKey(
        AssessmentScheme, verbose_name="考核方案", on_delete=models.PROTECT, related_name="results"
    )
    unit = models.ForeignKey(MemberUnit, verbose_name="成员单位", on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField("得分", max_digits=6, decimal_places=1)
    rank = models.PositiveSmallIntegerField("名次")
    items = models.JSONField("各项得分及依据", default=list)

    class Meta:
        verbose_name = "考核结果"
        verbose_name_plural = "考核结果"
        ordering = ["scheme", "rank", "unit__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "unit"], name="assessment_assessmentresult_unique_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.scheme.year}年度考核"
