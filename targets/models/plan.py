from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from committee.models import MemberUnit


class Plan(models.Model):
    """A multi-year plan (2022–2025 实施意见; a later 2026–2030 plan is added the same way)."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=200)
    title = models.CharField("文件标题", max_length=200, blank=True, help_text="印发文件的标题，引用时使用")
    document_number = models.CharField("文号", max_length=50, blank=True)
    issued_on = models.DateField("印发日期", null=True, blank=True)
    start_date = models.DateField("起始日期")
    end_date = models.DateField("截止日期")
    is_current = models.BooleanField("当前规划", default=False)
    predecessor = models.ForeignKey(
        "self",
        verbose_name="上一规划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="successors",
        help_text="由上一规划接续而来时记录，指标的历史数据连续显示",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "规划"
        verbose_name_plural = "规划"
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")),
                name="targets_plan_dates",
                violation_error_message="截止日期必须晚于起始日期。",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def category_names(self) -> dict[str, str]:
        """The plan's target categories, code → name, in order (read once per Plan instance; the
        targets of ``plan.targets`` share it). A plan without categories of its own (one made on
        the platform) uses the first pack's (``Target.Category``)."""
        names = getattr(self, "_category_names", None)
        if names is None:
            names = (
                dict(self.categories.order_by("order", "id").values_list("code", "name")) if self.pk else {}
            )
            names = names or dict(Target.Category.choices)
            self._category_names = names
        return names

    def use_category_names(self, names: dict[str, str]) -> None:
        """The plan's categories (code → name, in order) as the caller read them with other plans':
        ``category_names`` without a query of its own."""
        self._category_names = names or dict(Target.Category.choices)

    @property
    def citation(self) -> str:
        """《title》（number） of the plan's own document, or its name when it has no document."""
        if self.title and self.document_number:
            return f"《{self.title}》（{self.document_number}）"
        return f"《{self.name}》" + (f"（{self.document_number}）" if self.document_number else "")


class TargetCategory(models.Model):
    """A category of a plan's targets (一(一) 质量发展 …), from the pack's ``target_categories``."""

    plan = models.ForeignKey(Plan, verbose_name="规划", on_delete=models.CASCADE, related_name="categories")
    code = models.SlugField("代码", max_length=20)
    name = models.CharField("名称", max_length=50)
    order = models.PositiveSmallIntegerField("排序", default=0)
    clause = models.CharField("条款", max_length=20, blank=True)
    heading = models.CharField("标题原文", max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "目标类别"
        verbose_name_plural = "目标类别"
        ordering = ["plan", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="targets_targetcategory_one_per_code"),
        ]

    def __str__(self) -> str:
        return self.name


class Target(models.Model):
    """A quantitative target of section 一."""

    # the categories of the first pack (Jianli), for a plan that has none of its own; a plan's
    # categories are data (TargetCategory, from the pack's target_categories)
    class Category(models.TextChoices):
        QUALITY = "quality", "质量发展"
        BRAND = "brand", "品牌引领"
        FOUNDATION = "foundation", "质量基础"

    class Kind(models.TextChoices):
        AT_LEAST = "at_least", "不少于（数量）"
        RATE_AT_LEAST = "rate_at_least", "比率不低于"
        EXACTLY_100 = "exactly_100", "达到100%"
        ZERO_BREAKTHROUGH = "zero_breakthrough", "零的突破"
        NEW_SINCE_BASELINE = "new_since_baseline", "新增（较基期）"
        TOTAL = "total", "总量达到"
        CUMULATIVE = "cumulative", "累计达到"
        # lower-is-better kinds: not used by the 2022–2025 plan, available to later plans
        AT_MOST = "at_most", "不多于（数量）"
        RATE_AT_MOST = "rate_at_most", "比率不高于"

    plan = models.ForeignKey(Plan, verbose_name="规划", on_delete=models.PROTECT, related_name="targets")
    code = models.CharField("编号", max_length=20)
    category = models.CharField("类别", max_length=20, help_text="规划的目标类别代码（TargetCategory）")
    kind = models.CharField("类型", max_length=30, choices=Kind.choices)
    name = models.CharField("指标名称", max_length=200)
    measure_unit = models.CharField("计量单位", max_length=10)
    target_value = models.DecimalField("目标值", max_digits=14, decimal_places=2)
    baseline_value = models.DecimalField("基期值", max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_date = models.DateField("基期日期", null=True, blank=True)
    deadline = models.DateField("完成时限")
    clause = models.CharField("政策条款", max_length=30, blank=True)
    source_text = models.TextField("政策原文", blank=True)
    note = models.TextField("备注", blank=True)
    order = models.PositiveIntegerField("排序", default=0)
    active = models.BooleanField("有效", default=True)
    predecessor = models.ForeignKey(
        "self",
        verbose_name="上一规划同一指标",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="successors",
    )
    units: "models.ManyToManyField[MemberUnit, TargetOwner]" = models.ManyToManyField(
        MemberUnit, through="TargetOwner", verbose_name="责任单位", related_name="targets"
    )

    history = HistoricalRecords(m2m_fields=[])

    class Meta:
        verbose_name = "目标指标"
        verbose_name_plural = "目标指标"
        ordering = ["plan", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="targets_target_unique_code_per_plan"),
            # carry-over: a target of the previous plan is continued at most once in a plan
            models.UniqueConstraint(
                fields=["plan", "predecessor"],
                condition=models.Q(predecessor__isnull=False),
                name="targets_target_unique_predecessor_per_plan",
                violation_error_message="该指标已在本规划中接续。",
            ),
            models.CheckConstraint(
                condition=~models.Q(predecessor=models.F("id")),
                name="targets_target_predecessor_not_self",
            ),
            models.CheckConstraint(
                condition=models.Q(target_value__gte=0),
                name="targets_target_value_nonnegative",
                violation_error_message="目标值不能为负数。",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("targets:target_detail", args=[self.pk])

    def get_category_display(self) -> str:
        """The category's name in the plan's categories (the pack's target_categories)."""
        return self.plan.category_names().get(self.category, self.category)

    @property
    def is_rate(self) -> bool:
        return self.kind in (self.Kind.RATE_AT_LEAST, self.Kind.EXACTLY_100, self.Kind.RATE_AT_MOST)


class TargetOwner(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", "牵头"
        SUPPORT = "support", "配合"

    target = models.ForeignKey(Target, verbose_name="指标", on_delete=models.CASCADE, related_name="owners")
    unit = models.ForeignKey(
        MemberUnit, verbose_name="单位", on_delete=models.PROTECT, related_name="target_owners"
    )
    role = models.CharField("角色", max_length=10, choices=Role.choices, default=Role.LEAD)
    assumed = models.BooleanField("推定（政策未载明）", default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "指标责任单位"
        verbose_name_plural = "指标责任单位"
        ordering = ["target", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["target", "unit"], name="targets_targetowner_unique_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.target} — {self.unit}（{self.get_role_display()}）"


class QualitativeGoal(models.Model):
    plan = models.ForeignKey(Plan, verbose_name="规划", on_delete=models.PROTECT, related_name="goals")
    code = models.CharField("编号", max_length=20)
    clause = models.CharField("政策条款", max_length=30, blank=True)
    text = models.TextField("内容")
    order = models.PositiveIntegerField("排序", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "定性目标"
        verbose_name_plural = "定性目标"
        ordering = ["plan", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="targets_goal_unique_code_per_plan")
        ]

    def __str__(self) -> str:
        return self.text[:30]


class Measure(models.Model):
    """One of the numbered 主要措施 of section 二 with its 责任单位 as written."""

    plan = models.ForeignKey(Plan, verbose_name="规划", on_delete=models.PROTECT, related_name="measures")
    code = models.CharField("编号", max_length=20)
    group = models.CharField("分组", max_length=100)
    number = models.PositiveSmallIntegerField("序号")
    title = models.CharField("标题", max_length=200)
    text = models.TextField("内容")
    responsible_label = models.CharField("责任表述", max_length=10, default="责任单位")
    responsible_text = models.CharField("责任单位（原文）", max_length=300)
    order = models.PositiveIntegerField("排序", default=0)
    units: "models.ManyToManyField[MemberUnit, MeasureResponsibility]" = models.ManyToManyField(
        MemberUnit, through="MeasureResponsibility", verbose_name="责任单位", related_name="measures"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "主要措施"
        verbose_name_plural = "主要措施"
        ordering = ["plan", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="targets_measure_unique_code_per_plan")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class MeasureResponsibility(models.Model):
    measure = models.ForeignKey(
        Measure, verbose_name="措施", on_delete=models.CASCADE, related_name="responsibilities"
    )
    unit = models.ForeignKey(MemberUnit, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "措施责任单位"
        verbose_name_plural = "措施责任单位"
        ordering = ["measure", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "unit"], name="targets_measureresponsibility_unique_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure.code} {self.unit}"
