from django.db import models
from simple_history.models import HistoricalRecords


class MeetingRule(models.Model):
    """The joint-meeting system of 附件2, loaded from the policy."""

    name = models.CharField("制度名称", max_length=100, unique=True)
    frequency_months = models.PositiveSmallIntegerField("召开周期（月）", default=6)
    convener = models.CharField("召集人", max_length=200)
    articles = models.JSONField("条文", default=list)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "联席会议制度"
        verbose_name_plural = "联席会议制度"

    def __str__(self):
        return self.name


class BusinessKind(models.Model):
    """One of the eight kinds of business of 第二条; each agenda item is tagged with one."""

    code = models.SlugField("代码", max_length=30, unique=True)
    clause = models.CharField("条款", max_length=20)
    name = models.CharField("名称", max_length=30)
    text = models.TextField("原文")
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "议事内容类别"
        verbose_name_plural = "议事内容类别"
        ordering = ["order"]

    def __str__(self):
        return f"{self.clause} {self.name}"
