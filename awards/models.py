import datetime as dt
import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.dates import cn_date

from .validators import validate_credit_code

# The largest amount of money the platform accepts anywhere (form and service): 1 亿元. The largest
# award of 三(二) is 200 万元; the bound keeps every amount far inside PostgreSQL's integer.
MAX_AMOUNT_YUAN = 100_000_000


class FundingSource(models.Model):
    """Who pays a reward line (三(二)); loaded from the policy pack. Its approval path is ``path``."""

    code = models.SlugField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=100)
    order = models.PositiveSmallIntegerField("排序", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "资金来源"
        verbose_name_plural = "资金来源"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def as_choices(cls) -> list[tuple[str, str]]:
        """(code, name) of the loaded sources: choices read when a form or filter is built."""
        return list(cls.objects.values_list("code", "name"))


def funding_source_field(**kwargs: Any) -> "models.ForeignKey[Any, Any]":
    """A reference to a funding source by its code, stored in the column the code always had."""
    kwargs.setdefault("on_delete", models.PROTECT)
    return models.ForeignKey(FundingSource, verbose_name="资金来源", to_field="code", **kwargs)


class RewardGroup(models.Model):
    """Reward lines counted together for one enterprise: 按最高标准奖励、不重复享受 (a higher award
    pays the difference to what the group already paid or approved) and/or a cap per calendar year
    of the award date. The cap is per group; a pack wanting one cap over all lines puts them all in
    one group."""

    code = models.SlugField("代码", max_length=60, unique=True)
    name = models.CharField("名称", max_length=100)
    highest_only = models.BooleanField("按最高标准奖励、不重复享受", default=False)
    yearly_cap_yuan = models.PositiveIntegerField("每家企业每年奖励上限（元）", null=True, blank=True)
    clause = models.CharField("政策条款", max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "奖励分组"
        verbose_name_plural = "奖励分组"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(yearly_cap_yuan__isnull=True)
                | (Q(yearly_cap_yuan__gt=0) & Q(yearly_cap_yuan__lte=MAX_AMOUNT_YUAN)),
                name="awards_rewardgroup_cap_bounded",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class NominationRule(models.TextChoices):
    """What a prize pays to an enterprise already rewarded for the nomination of its family."""

    FLAG = "flag", "全额奖励，提示复核人裁定"
    FULL = "full", "全额奖励"
    TOPUP = "topup", "补差（扣除已奖励的提名奖金额）"


class RewardItem(models.Model):
    """One line of the reward schedule of 三(二). Data the office can correct, with history."""

    code = models.SlugField("代码", max_length=60, unique=True)
    name = models.CharField("奖项名称", max_length=100)
    amount_yuan = models.PositiveIntegerField("奖励金额（元）")
    funding_source = funding_source_field(db_column="funding_source", related_name="reward_items")
    provisional = models.BooleanField("金额以上级拨付为准", default=False)
    family = models.SlugField("奖项系列", max_length=60, help_text="同一奖项与其提名奖属于同一系列")
    is_nomination = models.BooleanField("提名奖", default=False)
    # chosen per family: every line of a family carries the same rule (the loader checks it)
    nomination_rule = models.CharField(
        "提名奖后获正奖", max_length=10, choices=NominationRule.choices, default=NominationRule.FLAG
    )
    group = models.ForeignKey(
        RewardGroup,
        verbose_name="奖励分组",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    effective_from = models.DateField("适用起始日（含）")
    valid_to = models.DateField("适用截止日（含）", null=True, blank=True)
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
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("effective_from")),
                name="awards_rewarditem_window_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def amount_wan(self) -> float:
        return self.amount_yuan / 10000

    def amount_on(self, day: dt.date) -> int:
        """The amount in force for an award obtained on ``day`` (changes apply from a stated date)."""
        entry = self.amounts.filter(valid_from__lte=day).order_by("-valid_from").first()
        return entry.amount_yuan if entry else self.amount_yuan


class RewardTier(models.Model):
    """One level or grade of a tiered reward line: the applicant picks it, the amount follows it."""

    reward_item = models.ForeignKey(
        RewardItem, verbose_name="奖励项目", on_delete=models.PROTECT, related_name="tiers"
    )
    code = models.SlugField("代码", max_length=60)
    name = models.CharField("等级名称", max_length=100)
    amount_yuan = models.PositiveIntegerField("奖励金额（元）")
    order = models.PositiveSmallIntegerField("排序", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "奖励等级"
        verbose_name_plural = "奖励等级"
        ordering = ["reward_item", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["reward_item", "code"], name="awards_rewardtier_one_per_code"),
            models.CheckConstraint(
                condition=Q(amount_yuan__gt=0) & Q(amount_yuan__lte=MAX_AMOUNT_YUAN),
                name="awards_rewardtier_amount_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reward_item} {self.name}"


class Enterprise(models.Model):
    """An enterprise applying for rewards; verified by the office before review."""

    name = models.CharField("企业名称", max_length=200)
    # unique among registrations not rejected (constraint below): a rejected squatter frees the code
    credit_code = models.CharField("统一社会信用代码", max_length=18, validators=[validate_credit_code])
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
    refusal_reason = models.TextField("核验不通过理由", blank=True)
    refused_at = models.DateTimeField("核验不通过时间", null=True, blank=True)
    refused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核验不通过经办人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    rejected_at = models.DateTimeField("驳回时间", null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="驳回人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rejection_reason = models.CharField("驳回理由", max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=Q(rejected_at__isnull=True),
                name="awards_enterprise_credit_code_unique",
                violation_error_message="该统一社会信用代码已经注册。",
            ),
        ]
        indexes = [
            # the office's 待核验 count (workbench, enterprise list): the few unverified, not every row
            models.Index(
                fields=["id"], condition=Q(verified_at__isnull=True), name="awards_ent_unverified_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("awards:enterprise_detail", args=[self.pk])

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def is_rejected(self) -> bool:
        return self.rejected_at is not None

    @property
    def is_refused(self) -> bool:
        """The office refused verification and the enterprise has not corrected its data since."""
        return not self.is_verified and self.refused_at is not None


class RegistrationReview(models.Model):
    """A company that found its 统一社会信用代码 already registered asks the office to check.

    The requester's own account is created with the request, inactive and bound to no enterprise;
    the office either assigns the enterprise to it (the holders are unbound) or declines."""

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        ASSIGNED = "assigned", "已转给申请人"
        DECLINED = "declined", "未予支持"

    credit_code = models.CharField("统一社会信用代码", max_length=18)
    company_name = models.CharField("企业名称", max_length=200)
    contact_person = models.CharField("联系人", max_length=50)
    contact_phone = models.CharField("联系电话", max_length=30)
    explanation = models.TextField("情况说明")
    licence = models.FileField("营业执照", upload_to="enterprises/reviews/%Y/")
    requester = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="申请人账户", on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="已注册的企业", on_delete=models.PROTECT, related_name="reviews"
    )
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decision_note = models.CharField("处理意见", max_length=300, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "注册核查申请"
        verbose_name_plural = "注册核查申请"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.company_name}（{self.credit_code}）"

    def get_absolute_url(self) -> str:
        return reverse("awards:registration_review", args=[self.pk])


class ApplicationStatus(models.TextChoices):
    """States (docs/design.md): 草稿 → 已提交 → (退回补正 ↔ 已提交) → 初审通过 → 复核通过 → 公示中 → 待拨付 → 已拨付."""

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

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("awards:publicity_batch", args=[self.pk])

    def is_open(self, today: dt.date) -> bool:
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
    reward_tier = models.ForeignKey(
        RewardTier,
        verbose_name="奖励等级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    award_date = models.DateField("获奖（发布）日期", null=True, blank=True)
    reference = models.CharField("证书/标准/商标编号", max_length=100, blank=True)
    # validators.canonical_reference(reference): the key of 同一奖项不得重复奖励
    reference_canonical = models.CharField("编号（规范形式）", max_length=100, blank=True, editable=False)
    # a duplicate revealed when existing records got their canonical form: kept (never merged or
    # deleted), outside the unique rule, and listed for a ruling on the integrity page
    held_for_ruling = models.BooleanField("疑似重复待裁定", default=False, editable=False)
    issuing_body = models.CharField("颁发（发布）机构", max_length=200, blank=True)
    description = models.TextField("申报说明", blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )

    amount_yuan = models.PositiveIntegerField("核定奖励金额（元）", default=0)
    funding_source = funding_source_field(
        db_column="funding_source", null=True, blank=True, related_name="applications"
    )
    provisional = models.BooleanField("金额以上级拨付为准", default=False)
    review_flags = models.JSONField("复核提示", default=list, blank=True)
    # the line's (tier's) amount in force on the award date, before 补差 / 按最高标准 / the yearly cap:
    # what 复核 assesses again from, whatever the schedule says by then
    standard_amount_yuan = models.PositiveIntegerField("标准金额（元）", null=True, blank=True)
    # how the rules of the line set the amount (tier, 补差, 按最高标准, yearly cap), in Chinese
    amount_notes = models.JSONField("金额核定说明", default=list, blank=True)

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
    payment_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="拨付审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    payment_confirmed_at = models.DateTimeField("拨付审核时间", null=True, blank=True)
    is_legacy = models.BooleanField("系统上线前已兑现", default=False)
    # the approving authority's reply (批复), copied from the 报请 batch when its reply is confirmed;
    # a legacy reward carries them as entered where known
    approval_number = models.CharField("批复文号", max_length=100, blank=True)
    approval_date = models.DateField("批复日期", null=True, blank=True)
    approved_amount_yuan = models.PositiveIntegerField("批复核定金额（元）", null=True, blank=True)

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
                fields=["enterprise", "reward_item", "reference_canonical"],
                condition=~Q(status__in=CLOSED_STATUSES)
                & ~Q(reference_canonical="")
                & Q(held_for_ruling=False),
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
            # maker-checker for money: the payment is confirmed by someone other than its recorder
            models.CheckConstraint(
                condition=Q(payment_confirmed_by__isnull=True)
                | Q(payment_recorded_by__isnull=True)
                | ~Q(payment_confirmed_by=F("payment_recorded_by")),
                name="awards_application_payment_two_people",
            ),
        ]
        indexes = [
            # review queues and reminders: WHERE status = ? ORDER BY submitted_at
            models.Index(fields=["status", "submitted_at"], name="awards_app_status_idx"),
            # the office list: ORDER BY submitted_at DESC, id DESC (all states but drafts)
            models.Index(fields=["-submitted_at", "-id"], name="awards_app_submitted_idx"),
            # the 资金台账 of one award year (its default window) and the ledger's date filters: the
            # sums per source and state read from the index alone, not row by row from the table
            models.Index(
                fields=["award_date", "funding_source", "status", "amount_yuan", "paid_amount_yuan", "id"],
                name="awards_app_money_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.reward_item.name}"

    def get_absolute_url(self) -> str:
        return reverse("awards:application_detail", args=[self.pk])

    @property
    def code(self) -> str:
        """The number shown to people: 申报编号."""
        return self.code_for(self.pk, self.created_at)

    @staticmethod
    def code_for(pk: int, created_at: dt.datetime) -> str:
        """申报编号 from the id and creation time (for lists read with ``values()``)."""
        return f"JL{timezone.localtime(created_at):%Y}-{pk:05d}"

    @property
    def funding_source_label(self) -> str:
        return self.funding_source.name if self.funding_source_id else ""

    EDITABLE_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)  # the enterprise may edit

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

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


STATUS_BADGES: dict[str, str] = {
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


def attachment_path(instance: "Attachment", filename: str) -> str:
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

    def __str__(self) -> str:
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
        FUNDING_REQUEST = "funding_request", "报请审批（报请中）"
        FUNDING_APPROVED = "funding_approved", "收到批复，核定奖励（已批复）"
        FUNDING_REFUSED = "funding_refused", "批复不予奖励"
        PAY = "pay", "登记拨付"
        PAY_PENDING = "pay_pending", "登记拨付，待审核人确认"
        PAY_REFUSED = "pay_refused", "拨付登记被审核人退回"
        LEGACY_CORRECTION = "legacy_correction", "更正历史兑现记录"
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

    def __str__(self) -> str:
        return f"{self.get_action_display()} {cn_date(self.created_at)}"


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
        indexes = [
            # 公示管理 counts the open objections of each list: the few open ones, not every entry
            models.Index(fields=["outcome", "application"], name="awards_objection_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.application.code} 异议"

    @property
    def is_open(self) -> bool:
        return self.outcome == self.Outcome.OPEN


class DuplicateFinding(models.Model):
    """A possible duplicate award (三(二): 同一奖项不得重复奖励) between two records, for a ruling.

    ``application`` is the later claim, ``other`` the earlier one. Found at submission, at the
    entry of a legacy reward, or when existing records got their canonical reference.
    """

    class Kind(models.TextChoices):
        SAME_AWARD = "same_award", "同一企业、同一奖项、同一编号"
        SAME_FAMILY = "same_family", "同一企业、同一奖项系列（提名奖与正奖）"
        OTHER_ENTERPRISE = "other_enterprise", "其他企业申报同一编号"
        OTHER_LINE = "other_line", "同一编号申报另一奖项"

    class Ruling(models.TextChoices):
        PENDING = "", "待裁定"
        NOT_DUPLICATE = "not_duplicate", "不构成重复奖励"
        DUPLICATE = "duplicate", "构成重复奖励"

    application = models.ForeignKey(
        Application, verbose_name="申报", on_delete=models.PROTECT, related_name="findings"
    )
    other = models.ForeignKey(
        Application, verbose_name="与之相同的记录", on_delete=models.PROTECT, related_name="findings_as_other"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    reference_canonical = models.CharField("编号（规范形式）", max_length=100, blank=True)
    found_at = models.DateTimeField("发现时间", default=timezone.now)
    found_on = models.CharField("发现环节", max_length=40, blank=True)
    ruling = models.CharField("裁定", max_length=20, choices=Ruling.choices, blank=True, default="")
    ruling_text = models.TextField("裁定意见", blank=True)
    ruled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="裁定人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ruled_at = models.DateTimeField("裁定时间", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "疑似重复奖励"
        verbose_name_plural = "疑似重复奖励"
        ordering = ["-found_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "other", "kind"], name="awards_duplicatefinding_one_per_pair"
            ),
            models.CheckConstraint(
                condition=~Q(application=F("other")), name="awards_duplicatefinding_two_records"
            ),
            models.CheckConstraint(
                condition=Q(ruling="") | (Q(ruled_by__isnull=False) & ~Q(ruling_text="")),
                name="awards_duplicatefinding_ruling_written",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} / {self.other_id} {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.ruling == self.Ruling.PENDING

    @classmethod
    def holding(cls, application: "Application | OuterRef") -> Q:
        """Unruled findings on either side of ``application`` (a row or an OuterRef) against a
        record that is still a claim: what holds its 复核 (one since rejected or withdrawn does not)."""
        return (
            (Q(application=application) & ~Q(other__status__in=CLOSED_STATUSES))
            | (Q(other=application) & ~Q(application__status__in=CLOSED_STATUSES))
        ) & Q(ruling=cls.Ruling.PENDING)


class RewardAmount(models.Model):
    """The amount of a reward line from a date on: an award takes the amount in force on its date."""

    reward_item = models.ForeignKey(
        RewardItem, verbose_name="奖励项目", on_delete=models.PROTECT, related_name="amounts"
    )
    amount_yuan = models.PositiveIntegerField("奖励金额（元）")
    valid_from = models.DateField("适用起始日（按获奖日期，含）")
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "奖励金额（按日期）"
        verbose_name_plural = "奖励金额（按日期）"
        ordering = ["reward_item", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["reward_item", "valid_from"], name="awards_rewardamount_one_per_date"
            ),
            models.CheckConstraint(
                condition=Q(amount_yuan__gt=0) & Q(amount_yuan__lte=MAX_AMOUNT_YUAN),
                name="awards_rewardamount_amount_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reward_item} {cn_date(self.valid_from)} {self.amount_yuan}"


class MoneyChange(models.Model):
    """A change of money data proposed by one person (经办人) and in effect only once another
    approver (审核人) confirms it: payments, the reward schedule, legacy rewards (maker-checker)."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", "登记拨付"
        REWARD_ITEM = "reward_item", "修改奖励标准"
        LEGACY_ENTRY = "legacy_entry", "录入历史兑现记录"
        LEGACY_IMPORT = "legacy_import", "批量导入历史兑现记录"
        LEGACY_CORRECTION = "legacy_correction", "更正历史兑现记录"
        BUDGET = "budget", "设定年度资金预算"
        FUNDING_REPLY = "funding_reply", "登记报请批复"
        OVER_BUDGET = "over_budget", "确认超出预算的报请"

    class State(models.TextChoices):
        PENDING = "pending", "待审核人确认"
        CONFIRMED = "confirmed", "已确认生效"
        REFUSED = "refused", "已退回"

    kind = models.CharField("事项", max_length=20, choices=Kind.choices)
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.PENDING)
    application = models.ForeignKey(
        Application,
        verbose_name="申报",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="money_changes",
    )
    reward_item = models.ForeignKey(
        RewardItem,
        verbose_name="奖励项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="money_changes",
    )
    payload = models.JSONField("变更内容", default=dict)
    summary = models.TextField("变更说明")
    reason = models.TextField("依据或原因", blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField("登记时间", default=timezone.now)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_at = models.DateTimeField("审核时间", null=True, blank=True)
    check_comment = models.TextField("审核意见", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "资金数据变更"
        verbose_name_plural = "资金数据变更"
        ordering = ["-made_at", "-id"]
        constraints = [
            # maker-checker: never confirmed (or refused) by the person who made it
            models.CheckConstraint(
                condition=Q(checked_by__isnull=True) | ~Q(checked_by=F("made_by")),
                name="awards_moneychange_two_people",
            ),
            models.CheckConstraint(
                condition=Q(state="pending", checked_by__isnull=True)
                | (~Q(state="pending") & Q(checked_by__isnull=False)),
                name="awards_moneychange_checked_when_decided",
            ),
            # one payment waiting for confirmation per application, one change per reward line
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(state="pending", kind__in=["payment", "legacy_correction"]),
                name="awards_moneychange_one_pending_per_application",
            ),
            models.UniqueConstraint(
                fields=["reward_item"],
                condition=Q(state="pending", kind="reward_item"),
                name="awards_moneychange_one_pending_per_item",
            ),
        ]
        indexes = [
            # the pending list: WHERE state = 'pending' ORDER BY made_at
            models.Index(fields=["state", "made_at"], name="awards_moneychange_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.get_state_display()}）"

    @property
    def is_pending(self) -> bool:
        return self.state == self.State.PENDING


class FundingPath(models.Model):
    """Who pays an award and on whose approval (三(二)): one per funding source, loaded from the pack."""

    source = models.OneToOneField(
        FundingSource,
        verbose_name="资金来源",
        to_field="code",
        db_column="source",
        on_delete=models.PROTECT,
        related_name="path",
    )
    payer = models.CharField("出资方", max_length=100)
    fund = models.CharField("资金名称", max_length=100, blank=True)
    clause = models.TextField("政策原文", blank=True)
    provisional = models.BooleanField("金额以上级核定或拨付为准", default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "资金来源与审批路径"
        verbose_name_plural = "资金来源与审批路径"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.source.name


class FundingStep(models.Model):
    """One ordered step of a funding path: who acts, what document goes out and what comes back."""

    path = models.ForeignKey(
        FundingPath, verbose_name="审批路径", on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField("顺序")
    name = models.CharField("步骤", max_length=60)
    actor = models.CharField("办理主体", max_length=100)
    produces = models.CharField("发出的文书", max_length=100, blank=True)
    receives = models.CharField("收到的文书", max_length=100, blank=True)
    records = models.CharField("登记内容", max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "审批步骤"
        verbose_name_plural = "审批步骤"
        ordering = ["path", "order"]
        constraints = [
            models.UniqueConstraint(fields=["path", "order"], name="awards_fundingstep_one_per_order"),
        ]

    def __str__(self) -> str:
        return f"{self.path} {self.order}. {self.name}"


class FundBudget(models.Model):
    """A year's budget of a fund (the 市质量品牌发展专项资金 above all), entered by the office."""

    year = models.PositiveSmallIntegerField("年度")
    source = funding_source_field(db_column="source", related_name="budgets")
    amount_yuan = models.PositiveIntegerField("预算金额（元）")
    basis = models.CharField("依据", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "年度资金预算"
        verbose_name_plural = "年度资金预算"
        ordering = ["-year", "source"]
        constraints = [
            models.UniqueConstraint(fields=["year", "source"], name="awards_fundbudget_one_per_year"),
            models.CheckConstraint(
                condition=Q(amount_yuan__gt=0) & Q(amount_yuan__lte=MAX_AMOUNT_YUAN),
                name="awards_fundbudget_amount_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.source.name}"


class FundingRequest(models.Model):
    """A 报请 batch: applications 待拨付 of one funding source sent together in one 请示,
    and the reply received (文号, 日期, amount approved or refusal per application)."""

    class State(models.TextChoices):
        OVER_BUDGET = "over_budget", "超出预算，待负责人确认"
        REQUESTED = "requested", "报请中"
        REPLIED = "replied", "已批复"
        CANCELLED = "cancelled", "已撤销"

    year = models.PositiveSmallIntegerField("年度")
    number = models.PositiveSmallIntegerField("批次")
    funding_source = funding_source_field(db_column="funding_source", related_name="funding_requests")
    title = models.CharField("请示标题", max_length=200)
    recipient = models.CharField("主送机关", max_length=100)
    requested_on = models.DateField("报请日期")
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.REQUESTED)
    total_yuan = models.PositiveIntegerField("报请金额合计（元）")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    budget_note = models.CharField("预算提示", max_length=300, blank=True)
    budget_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="超预算确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reply_number = models.CharField("批复文号", max_length=100, blank=True)
    reply_date = models.DateField("批复日期", null=True, blank=True)
    reply_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="批复登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reply_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="批复审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "报请批次"
        verbose_name_plural = "报请批次"
        ordering = ["-requested_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="awards_fundingrequest_unique_number"),
            models.CheckConstraint(
                condition=~Q(state="replied") | (~Q(reply_number="") & Q(reply_date__isnull=False)),
                name="awards_fundingrequest_replied_has_number",
            ),
            models.CheckConstraint(
                condition=Q(reply_confirmed_by__isnull=True) | ~Q(reply_confirmed_by=F("reply_recorded_by")),
                name="awards_fundingrequest_reply_two_people",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("awards:funding_request", args=[self.pk])


class FundingRequestItem(models.Model):
    """One application in a 报请 batch, with what the reply decided for it."""

    class Decision(models.TextChoices):
        PENDING = "pending", "待批复"
        APPROVED = "approved", "批复同意"
        REFUSED = "refused", "不予奖励"

    request = models.ForeignKey(
        FundingRequest, verbose_name="报请批次", on_delete=models.PROTECT, related_name="items"
    )
    application = models.ForeignKey(
        Application, verbose_name="申报", on_delete=models.PROTECT, related_name="funding_items"
    )
    requested_amount_yuan = models.PositiveIntegerField("报请金额（元）")
    decision = models.CharField("批复结果", max_length=20, choices=Decision.choices, default=Decision.PENDING)
    approved_amount_yuan = models.PositiveIntegerField("批复核定金额（元）", null=True, blank=True)
    reason = models.CharField("说明或不予奖励理由", max_length=300, blank=True)
    # False once the batch is cancelled: the application may then go into another batch
    live = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "报请明细"
        verbose_name_plural = "报请明细"
        ordering = ["request", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(live=True),
                name="awards_fundingrequestitem_one_live_per_application",
            ),
            models.CheckConstraint(
                condition=~Q(decision="approved")
                | (Q(approved_amount_yuan__gt=0) & Q(approved_amount_yuan__lte=MAX_AMOUNT_YUAN)),
                name="awards_fundingrequestitem_approved_amount_bounded",
            ),
            models.CheckConstraint(
                condition=Q(approved_amount_yuan__isnull=True)
                | Q(approved_amount_yuan__lte=F("requested_amount_yuan"))
                | ~Q(reason=""),
                name="awards_fundingrequestitem_above_requested_explained",
            ),
            models.CheckConstraint(
                condition=~Q(decision="refused") | ~Q(reason=""),
                name="awards_fundingrequestitem_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} {self.application.code}"
