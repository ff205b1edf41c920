"""The joint meeting (附件2): rules, kinds of business, meetings, invitations, topics, agenda."""

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.models import HistoricalRecords

from committee.models import Appointment, MemberUnit
from core.policy import policy_document

if TYPE_CHECKING:
    from ..selectors import Decision


class MeetingRule(models.Model):
    """The joint-meeting system of 附件2, loaded from the policy."""

    name = models.CharField("制度名称", max_length=100, unique=True)
    # the meeting cycle (core.rhythm.MeetingCycle; checked by meetings.rules.validate_meeting_rule)
    frequency_months = models.PositiveSmallIntegerField("召开周期（月）", default=6)
    months = models.JSONField(
        "召开月份", default=list, blank=True, help_text="例如 [6, 12]；为空时按周期自年末倒推"
    )
    day = models.PositiveSmallIntegerField("召开日", default=15, help_text="当月的第几天，遇非工作日顺延")
    topic_call_lead_days = models.PositiveSmallIntegerField(
        "议题征集发出（会前天数）", null=True, blank=True, help_text="为空时在会议周期开始时发出"
    )
    notice_lead_days = models.PositiveSmallIntegerField(
        "会议通知提醒（会前天数）",
        null=True,
        blank=True,
        help_text="会前多少天仍未印发通知时提醒办公室；为空不提醒",
    )
    # reminder days of the rule (meetings.reminders; both were fixed at 3 before issue 18)
    topic_call_closing_days = models.PositiveSmallIntegerField(
        "议题征集截止提醒（截止前天数）", default=3, help_text="截止前多少天起提醒受邀单位提交议题"
    )
    followup_due_days = models.PositiveSmallIntegerField(
        "督办到期提醒（时限前天数）", default=3, help_text="办理时限前多少天起提醒责任单位"
    )
    convener = models.CharField("召集人", max_length=200)
    articles = models.JSONField("条文", default=list)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "联席会议制度"
        verbose_name_plural = "联席会议制度"
        constraints = [
            models.CheckConstraint(
                condition=Q(frequency_months__in=[1, 2, 3, 4, 6, 12]),
                name="meetings_meetingrule_frequency_valid",
            ),
            models.CheckConstraint(
                condition=Q(day__gte=1, day__lte=31), name="meetings_meetingrule_day_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BusinessKind(models.Model):
    """One of the eight kinds of business of 第二条; each agenda item is tagged with one."""

    INSPECTION = "inspection"  # 第二条(六): the standing first item of every meeting

    code = models.SlugField("代码", max_length=30, unique=True)
    clause = models.CharField("条款", max_length=20)
    name = models.CharField("名称", max_length=30)
    text = models.TextField("原文")
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "议事内容类别"
        verbose_name_plural = "议事内容类别"
        ordering = ["order"]

    def __str__(self) -> str:
        return f"{self.clause} {self.name}"


class Meeting(models.Model):
    """One 联席会议 of the cycle of the MeetingRule (附件2 第三条: 每半年召开一次 in Jianli)."""

    class Half(models.IntegerChoices):
        FIRST = 1, "上半年"
        SECOND = 2, "下半年"

    class Status(models.TextChoices):
        PREPARING = "preparing", "筹备中"
        NOTIFIED = "notified", "已发通知"
        HELD = "held", "已召开"
        PUBLISHED = "published", "纪要已发布"

    year = models.PositiveSmallIntegerField("年度")
    # the meeting's number within its year (1–2 for two meetings a year: 上半年 / 下半年)
    half = models.PositiveSmallIntegerField("届次", choices=Half.choices)
    # the term's name when the cycle is not half-yearly (第一次 …); empty: the half's name
    term_name = models.CharField("届次名称", max_length=20, blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PREPARING)
    planned_date = models.DateField("计划召开日期")
    start_time = models.TimeField("开始时间", null=True, blank=True)
    place = models.CharField("会议地点", max_length=200, blank=True)
    topic_deadline = models.DateField("议题征集截止日")
    convener = models.ForeignKey(
        Appointment,
        verbose_name="召集人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="convened_meetings",
    )
    convener_delegated = models.BooleanField("由主任委托副主任召集", default=False)
    delegation_note = models.CharField("委托说明", max_length=200, blank=True)
    notice_number = models.CharField("通知文号", max_length=50, blank=True)
    notice_requirements = models.TextField("会议要求", blank=True)
    notice_issued_at = models.DateTimeField("通知印发时间", null=True, blank=True)
    held_on = models.DateField("实际召开日期", null=True, blank=True)
    minutes_number = models.CharField("纪要编号", max_length=50, blank=True)
    minutes_overview = models.TextField("会议概况", blank=True)
    minutes_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="纪要签发人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    minutes_signed_at = models.DateTimeField("纪要签发时间", null=True, blank=True)
    minutes_published_at = models.DateTimeField("纪要发布时间", null=True, blank=True)
    # 历史补录: a meeting held before the platform, entered afterwards (no notice, no reminders)
    is_history = models.BooleanField("历史补录", default=False)
    attendees = models.TextField("出席人员", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "联席会议"
        verbose_name_plural = "联席会议"
        ordering = ["-year", "-half"]
        constraints = [
            models.UniqueConstraint(fields=["year", "half"], name="meetings_meeting_one_per_term"),
            models.CheckConstraint(
                condition=Q(half__gte=1, half__lte=12), name="meetings_meeting_term_valid"
            ),
            models.CheckConstraint(
                condition=Q(minutes_published_at__isnull=True) | Q(minutes_signed_at__isnull=False),
                name="meetings_meeting_published_after_signed",
            ),
            models.CheckConstraint(
                condition=Q(is_history=False) | Q(held_on__isnull=False),
                name="meetings_meeting_history_is_held",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting_detail", args=[self.pk])

    @property
    def status_badge(self) -> str:
        """The status badge of the lists (the markup of ``meetings/_meeting_status.html``)."""
        colour = {"preparing": "gray", "notified": "blue", "held": "amber"}.get(self.status, "green")
        return format_html('<span class="badge badge-{}">{}</span>', colour, self.get_status_display())

    @property
    def term_label(self) -> str:
        return f"{self.year}年{self.term_name or self.get_half_display()}"

    @property
    def title(self) -> str:
        return f"{self.term_label}联席会议"

    @property
    def full_title(self) -> str:
        return f"{self.term_label}{policy_document().meeting_name}"

    @property
    def is_open_for_topics(self) -> bool:
        return self.status in (self.Status.PREPARING, self.Status.NOTIFIED)

    def topic_call_open(self, today: dt.date) -> bool:
        return self.is_open_for_topics and today <= self.topic_deadline

    @property
    def minutes_editable(self) -> bool:
        return self.status == self.Status.HELD and self.minutes_signed_at is None


class Invitation(models.Model):
    """Who is invited: every member unit, plus bodies invited for a topic (第三条)."""

    class Response(models.TextChoices):
        PENDING = "pending", "待回执"
        ATTENDING = "attending", "参加"
        ABSENT = "absent", "请假"

    meeting = models.ForeignKey(
        Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="invitations"
    )
    unit = models.ForeignKey(
        MemberUnit,
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_invitations",
    )
    guest_name = models.CharField("受邀单位（非成员）", max_length=100, blank=True)
    is_member = models.BooleanField("成员单位", default=True)
    response = models.CharField("回执", max_length=20, choices=Response.choices, default=Response.PENDING)
    attendees = models.CharField("参会人员（姓名、职务）", max_length=200, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="回执人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    responded_at = models.DateTimeField("回执时间", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "会议邀请"
        verbose_name_plural = "会议邀请"
        ordering = ["meeting", "-is_member", "unit__order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "unit"],
                condition=Q(unit__isnull=False),
                name="meetings_invitation_one_per_unit",
            ),
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | ~Q(guest_name=""), name="meetings_invitation_unit_or_guest"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} — {self.name}"

    @property
    def name(self) -> str:
        return self.unit.name if self.unit is not None else self.guest_name


class Topic(models.Model):
    """A topic proposed by a member unit (第五条) and curated by the office (第四条)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待审核"
        ACCEPTED = "accepted", "已列入议程"
        MERGED = "merged", "已合并"
        DEFERRED = "deferred", "缓议（转下次会议）"
        DECLINED = "declined", "不予采纳"

    meeting = models.ForeignKey(Meeting, verbose_name="会议", on_delete=models.PROTECT, related_name="topics")
    unit = models.ForeignKey(
        MemberUnit, verbose_name="提出单位", on_delete=models.PROTECT, related_name="topics"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提出人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField("议题名称", max_length=200)
    background = models.TextField("背景情况")
    request = models.TextField("提请会议研究决定的事项")
    business_kind = models.ForeignKey(
        BusinessKind, verbose_name="议事内容类别", null=True, blank=True, on_delete=models.PROTECT
    )
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    reason = models.TextField("处理意见", blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name="并入议题",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )
    carried_from = models.ForeignKey(
        "self",
        verbose_name="由上次会议缓议转入",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="carried_to",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "会议议题"
        verbose_name_plural = "会议议题"
        ordering = ["meeting", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False),
                name="meetings_topic_merged_has_target",
            ),
            # a deferred topic is carried to the next meeting once
            models.UniqueConstraint(fields=["carried_from"], name="meetings_topic_carried_once"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:topic_detail", args=[self.pk])


def _upload_path(instance: "StoredUpload", filename: str) -> str:
    return f"meetings/{instance.UPLOAD_DIR}/{timezone.now():%Y/%m}/{filename}"


class StoredUpload(models.Model):
    """An uploaded file (checked by core.uploads), served only through a permission-checked view."""

    UPLOAD_DIR = "files"

    file = models.FileField("文件", upload_to=_upload_path)
    name = models.CharField("文件名", max_length=200)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class TopicAttachment(StoredUpload):
    UPLOAD_DIR = "topics"

    topic = models.ForeignKey(
        Topic, verbose_name="议题", on_delete=models.CASCADE, related_name="attachments"
    )

    class Meta(StoredUpload.Meta):
        verbose_name = "议题附件"
        verbose_name_plural = "议题附件"


class MinutesFile(StoredUpload):
    """The minutes as signed on paper (PDF/Word), kept with a meeting entered as history."""

    UPLOAD_DIR = "minutes"

    meeting = models.ForeignKey(
        Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="minutes_files"
    )

    class Meta(StoredUpload.Meta):
        verbose_name = "会议纪要原件"
        verbose_name_plural = "会议纪要原件"


class AgendaItem(models.Model):
    """One item of a meeting's agenda, tagged with the kind of business of 第二条."""

    # set by the minutes page (meetings.views.minutes): the decisions taken on the item
    decision_list: "list[Decision]"

    meeting = models.ForeignKey(
        Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="agenda_items"
    )
    order = models.PositiveSmallIntegerField("顺序", default=0)
    title = models.CharField("议程事项", max_length=200)
    business_kind = models.ForeignKey(BusinessKind, verbose_name="议事内容类别", on_delete=models.PROTECT)
    topic = models.OneToOneField(
        Topic,
        verbose_name="来源议题",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_item",
    )
    presenter = models.CharField("汇报单位", max_length=100, blank=True)
    is_generated = models.BooleanField("系统生成（上次会议决定落实情况）", default=False)
    generated_snapshot = models.JSONField("落实情况（会议召开时定格）", null=True, blank=True)
    discussion = models.TextField("讨论情况", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "议程事项"
        verbose_name_plural = "议程事项"
        ordering = ["meeting", "order", "id"]
        constraints = [
            # 第二条(六): exactly one standing item on the previous meeting's decisions
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(is_generated=True), name="meetings_agendaitem_one_generated"
            ),
        ]

    def __str__(self) -> str:
        return self.title
