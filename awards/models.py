from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords


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
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
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
