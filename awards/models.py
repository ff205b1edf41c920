import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .validators import validate_credit_code


class FundingSource(models.TextChoices):
    JINGZHOU = "jingzhou", "报请荆州市人民政府"
    PROVINCE = "province", "省级财政（市商务局申报）"
    CITY = "city", "市质量品牌发展专项资金"


class RewardItem(models.Model):
    """One line of the reward schedule of 三(二). Data the office can correct, with history."""

    code = models.SlugField("代码", max_length=60, unique=True)
    name = models.CharField("奖项名称", max_length=100)
    amount_yuan = models.PositiveIntegerField("奖励金额（元）")
    funding_source = models.CharField("资金来源", max_length=20, choices=FundingSource.choices)
    provisional = models.BooleanField("金额以上级拨付为准", default=False)
    family = models.SlugField("奖项系列", max_length=60, help_text="同一奖项与其提名奖属于同一系列")
    is_nomination = models.BooleanField("提名奖", default=False)
    effective_from = models.DateField("适用起始日（含）")
    active = models.BooleanField("有效", default=True)
    clause = models.CharField("政策条款", max_length=30, default="三(二)")
    basis = models.TextField("政策依据", blank=True)
    funding_note = models.CharField("资金说明", max_length=200, blank=True)
    order = models.PositiveIntegerField("排序", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "奖励项目"
        verbose_name_plural = "奖励项目"
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_yuan__gt=0), name="awards_rewarditem_amount_positive"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def amount_wan(self):
        return self.amount_yuan / 10000


class Enterprise(models.Model):
    """An enterprise applying for rewards; verified by the office before review."""

    name = models.CharField("企业名称", max_length=200)
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, unique=True, validators=[validate_credit_code]
    )
    address = models.CharField("地址", max_length=200, blank=True)
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    licence = models.FileField("营业执照", upload_to="enterprises/licences/%Y/", blank=True)
    verified_at = models.DateTimeField("核验时间", null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核验人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("awards:enterprise_detail", args=[self.pk])

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class ApplicationStatus(models.TextChoices):
    """States of DESIGN.md: 草稿 → 已提交 → (退回补正 ↔ 已提交) → 初审通过 → 复核通过 → 公示中 → 待拨付 → 已拨付."""

    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "退回补正"
    FIRST_PASSED = "first_passed", "初审通过"
    SECOND_PASSED = "second_passed", "复核通过"
    PUBLICITY = "publicity", "公示中"
    AWAITING_PAYMENT = "awaiting_payment", "待拨付"
    PAID = "paid", "已拨付"
    REJECTED = "rejected", "未通过"
    WITHDRAWN = "withdrawn", "已撤回"


# Not "live" for 同一奖项不得重复奖励: the same award may be applied for again.
CLOSED_STATUSES = (ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN)


class PublicityBatch(models.Model):
    """One 公示 list: the applications published together, with their window."""

    year = models.PositiveSmallIntegerField("年度")
    number = models.PositiveSmallIntegerField("批次")
    title = models.CharField("公示标题", max_length=200)
    start_date = models.DateField("公示开始日期")
    end_date = models.DateField("公示截止日期")
    workdays = models.PositiveSmallIntegerField("公示期（工作日）")
    contact_phone = models.CharField("异议受理电话", max_length=50)
    contact_address = models.CharField("异议受理地址", max_length=200)
    note = models.TextField("补充说明", blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发布人", on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField("发布时间", default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "公示批次"
        verbose_name_plural = "公示批次"
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="awards_publicitybatch_unique_number"),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="awards_publicitybatch_window_order"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("awards:publicity_batch", args=[self.pk])

    def is_open(self, today) -> bool:
        return self.start_date <= today <= self.end_date


class Application(models.Model):
    """A reward application under 三(二): one enterprise, one reward item, one award (its reference).

    Amount, funding source and the provisional flag are copied from the reward item at submission:
    the office may correct the schedule later, an application keeps what it was assessed with.
    """

    Status = ApplicationStatus

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="applications"
    )
    reward_item = models.ForeignKey(
        RewardItem, verbose_name="奖励项目", on_delete=models.PROTECT, related_name="applications"
    )
    award_date = models.DateField("获奖（发布）日期", null=True, blank=True)
    reference = models.CharField("证书/标准/商标编号", max_length=100, blank=True)
    reference_normalized = models.CharField("编号（规范化）", max_length=100, blank=True, editable=False)
    issuing_body = models.CharField("颁发（发布）机构", max_length=200, blank=True)
    description = models.TextField("申报说明", blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )

    amount_yuan = models.PositiveIntegerField("核定奖励金额（元）", default=0)
    funding_source = models.CharField("资金来源", max_length=20, choices=FundingSource.choices, blank=True)
    provisional = models.BooleanField("金额以上级拨付为准", default=False)
    review_flags = models.JSONField("复核提示", default=list, blank=True)

    declared_at = models.DateTimeField("承诺时间", null=True, blank=True)
    submission_count = models.PositiveSmallIntegerField("提交次数", default=0)
    submitted_at = models.DateTimeField("最近提交时间", null=True, blank=True)
    first_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="初审人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    first_reviewed_at = models.DateTimeField("初审时间", null=True, blank=True)
    second_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="复核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    second_reviewed_at = models.DateTimeField("复核时间", null=True, blank=True)
    publicity_batch = models.ForeignKey(
        PublicityBatch,
        verbose_name="公示批次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )

    paid_amount_yuan = models.PositiveIntegerField("实际拨付金额（元）", null=True, blank=True)
    paid_on = models.DateField("拨付日期", null=True, blank=True)
    voucher_number = models.CharField("凭证号", max_length=60, blank=True)
    payment_note = models.CharField("拨付说明", max_length=200, blank=True)
    payment_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="拨付登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    payment_recorded_at = models.DateTimeField("拨付登记时间", null=True, blank=True)
    is_legacy = models.BooleanField("系统上线前已兑现", default=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "奖励申报"
        verbose_name_plural = "奖励申报"
        ordering = ["-id"]
        constraints = [
            # 三(二): 同一奖项不得重复奖励 — one live application per enterprise, item and award reference
            models.UniqueConstraint(
                fields=["enterprise", "reward_item", "reference_normalized"],
                condition=~Q(status__in=CLOSED_STATUSES) & ~Q(reference_normalized=""),
                name="awards_application_one_live_per_award",
            ),
            # separation of duties: the second review is never by the first reviewer
            models.CheckConstraint(
                condition=Q(second_reviewed_by__isnull=True)
                | Q(first_reviewed_by__isnull=True)
                | ~Q(second_reviewed_by=F("first_reviewed_by")),
                name="awards_application_two_reviewers",
            ),
            models.CheckConstraint(
                condition=~Q(status=ApplicationStatus.PAID)
                | Q(paid_amount_yuan__isnull=False, paid_on__isnull=False),
                name="awards_application_paid_has_payment",
            ),
        ]
        indexes = [
            # review queues and reminders: WHERE status = ? ORDER BY submitted_at
            models.Index(fields=["status", "submitted_at"], name="awards_app_status_idx"),
            # the office list: ORDER BY submitted_at DESC, id DESC (all states but drafts)
            models.Index(fields=["-submitted_at", "-id"], name="awards_app_submitted_idx"),
        ]

    def __str__(self):
        return f"{self.code} {self.reward_item.name}"

    def get_absolute_url(self):
        return reverse("awards:application_detail", args=[self.pk])

    @property
    def code(self) -> str:
        """The number shown to people: 申报编号."""
        return self.code_for(self.pk, self.created_at)

    @staticmethod
    def code_for(pk: int, created_at) -> str:
        """申报编号 from the id and creation time (for lists read with ``values()``)."""
        return f"JL{timezone.localtime(created_at):%Y}-{pk:05d}"

    @property
    def is_editable(self) -> bool:
        return self.status in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)

    @property
    def is_withdrawable(self) -> bool:
        return self.status in (
            ApplicationStatus.DRAFT,
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.RETURNED,
        )

    @property
    def status_badge(self) -> str:
        return STATUS_BADGES.get(self.status, "badge-gray")


STATUS_BADGES = {
    ApplicationStatus.DRAFT: "badge-gray",
    ApplicationStatus.SUBMITTED: "badge-blue",
    ApplicationStatus.RETURNED: "badge-amber",
    ApplicationStatus.FIRST_PASSED: "badge-blue",
    ApplicationStatus.SECOND_PASSED: "badge-blue",
    ApplicationStatus.PUBLICITY: "badge-amber",
    ApplicationStatus.AWAITING_PAYMENT: "badge-green",
    ApplicationStatus.PAID: "badge-green",
    ApplicationStatus.REJECTED: "badge-red",
    ApplicationStatus.WITHDRAWN: "badge-gray",
}


def attachment_path(instance, filename: str) -> str:
    # stored under a random name: the original name is kept in the row, never used as a path
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"awards/applications/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """Evidence for an application (certificate, standard, trademark registration …)."""

    application = models.ForeignKey(
        Application, verbose_name="申报", on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField("文件", upload_to=attachment_path)
    original_name = models.CharField("原文件名", max_length=200)
    kind = models.CharField("类型", max_length=10)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "证明材料"
        verbose_name_plural = "证明材料"
        ordering = ["id"]

    def __str__(self):
        return self.original_name


class ApplicationEvent(models.Model):
    """One recorded step of an application (who, when, what, comment): the timeline."""

    class Action(models.TextChoices):
        CREATE = "create", "创建草稿"
        SUBMIT = "submit", "提交申报"
        RESUBMIT = "resubmit", "补正后重新提交"
        WITHDRAW = "withdraw", "撤回申报"
        RETURN = "return", "初审退回补正"
        FIRST_PASS = "first_pass", "初审通过"
        FIRST_REJECT = "first_reject", "初审不予通过"
        SECOND_PASS = "second_pass", "复核通过"
        SECOND_RETURN = "second_return", "复核退回初审"
        SECOND_REJECT = "second_reject", "复核不予通过"
        PUBLISH = "publish", "进入公示"
        OBJECTION = "objection", "公示期间收到异议"
        OBJECTION_DISMISSED = "objection_dismissed", "异议经核查不成立"
        OBJECTION_UPHELD = "objection_upheld", "异议经核查成立，不予奖励"
        PUBLICITY_END = "publicity_end", "公示期满无异议，转入待拨付"
        PAY = "pay", "登记拨付"
        LEGACY = "legacy", "录入系统上线前的兑现记录"

    application = models.ForeignKey(
        Application, verbose_name="申报", on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField("事项", max_length=30, choices=Action.choices)
    from_status = models.CharField("原状态", max_length=20, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=ApplicationStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="为空表示系统自动办理",
    )
    comment = models.TextField("意见", blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} {self.created_at:%Y-%m-%d}"


class Objection(models.Model):
    """An objection received during 公示; it holds the application until the office resolves it."""

    class Outcome(models.TextChoices):
        OPEN = "open", "待处理"
        DISMISSED = "dismissed", "不成立"
        UPHELD = "upheld", "成立"

    application = models.ForeignKey(
        Application, verbose_name="申报", on_delete=models.PROTECT, related_name="objections"
    )
    received_on = models.DateField("收到日期")
    objector = models.CharField("异议人及联系方式", max_length=200, blank=True, help_text="仅办公室可见")
    content = models.TextField("异议内容")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)
    outcome = models.CharField("处理结果", max_length=20, choices=Outcome.choices, default=Outcome.OPEN)
    resolution = models.TextField("核查意见", blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["-recorded_at", "-id"]

    def __str__(self):
        return f"{self.application.code} 异议"

    @property
    def is_open(self) -> bool:
        return self.outcome == self.Outcome.OPEN
