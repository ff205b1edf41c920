"""督办: the annual work plan and follow-up items with each unit's part and its timeline."""

import datetime as dt
from typing import TYPE_CHECKING, Self, TypedDict, cast

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from committee.models import MemberUnit
from core.dates import cn_date

from ..status import (
    DUE_SOON_DAYS,
    FollowUpPhase,
    FollowUpStatus,
    followup_status,
    status_annotations,
    status_counts,
)
from .meeting import AgendaItem, StoredUpload

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class WorkPlan(models.Model):
    """The office's annual work plan (第四条), decomposed into follow-up items for the units."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    title = models.CharField("名称", max_length=200)
    note = models.TextField("说明", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "年度工作计划"
        verbose_name_plural = "年度工作计划"
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:workplan_detail", args=[self.pk])


class FollowUpItem(models.Model):
    """A 督办事项: a meeting decision or a work-plan task, carried out by one or more units."""

    class Source(models.TextChoices):
        MEETING = "meeting", "联席会议决定"
        WORK_PLAN = "work_plan", "年度工作计划"

    source = models.CharField("来源", max_length=20, choices=Source.choices)
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name="议程事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    work_plan = models.ForeignKey(
        WorkPlan,
        verbose_name="年度工作计划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("事项", max_length=300)
    content = models.TextField("具体要求", blank=True)
    deadline = models.DateField("办理时限")
    order = models.PositiveSmallIntegerField("顺序", default=0)
    released_at = models.DateTimeField("下发时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "督办事项"
        verbose_name_plural = "督办事项"
        ordering = ["deadline", "id"]
        # ``released()`` looks up the few unreleased items instead of joining every item
        indexes = [models.Index(fields=["released_at"], name="meetings_fui_released_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(source="meeting") & Q(agenda_item__isnull=False) & Q(work_plan__isnull=True))
                | (Q(source="work_plan") & Q(work_plan__isnull=False) & Q(agenda_item__isnull=True)),
                name="meetings_followupitem_one_source",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def _unit_names(self, role: str) -> str:
        # iterates .all() so a prefetch of assignments (with unit) is used
        return "、".join(a.unit.name for a in self.assignments.all() if a.role == role)

    @property
    def lead_names(self) -> str:
        return self._unit_names(FollowUpAssignment.Role.LEAD)

    @property
    def support_names(self) -> str:
        return self._unit_names(FollowUpAssignment.Role.SUPPORT)

    @property
    def source_label(self) -> str:
        if self.source == self.Source.MEETING and self.agenda_item is not None:
            return f"{self.agenda_item.meeting.title}决定"
        return str(self.work_plan)


class StatusAnnotations(TypedDict):
    """What ``FollowUpAssignmentQuerySet.with_status`` annotates (meetings.status)."""

    computed_status: str
    status_rank: int


OPEN_PHASES = [phase for phase in FollowUpPhase.values if phase != FollowUpPhase.CLOSED]


class FollowUpAssignmentQuerySet(models.QuerySet["FollowUpAssignment"]):
    def released(self) -> Self:
        # "not one of the unreleased items": a lookup in the (few) unreleased items by the index on
        # released_at, where a join would read every item row for every assignment
        unreleased = FollowUpItem.objects.filter(released_at__isnull=True).values("pk")
        return self.exclude(item_id__in=unreleased)

    def open(self) -> Self:
        # the open phases named (an index search), not "phase <> closed" (a scan of every closed row)
        return self.filter(phase__in=OPEN_PHASES)

    def counts(self, today: dt.date) -> tuple[dict[str, int], dict[str, int]]:
        """(assignments per phase, per status) by the rules of ``meetings.status.status_counts``: the
        open ones grouped by phase, counting the deadlines before ``today`` and within the 临期 days,
        and the closed ones (years of them, most of the table) counted apart, so their deadlines are
        never looked at; no CASE over every row."""
        soon = today + dt.timedelta(days=DUE_SOON_DAYS)
        closed = FollowUpAssignment.Phase.CLOSED
        groups = list(
            self.open()
            .order_by()
            .values_list("phase")
            .annotate(
                n=Count("id"),
                overdue=Count("id", filter=Q(deadline__lt=today)),
                soon=Count("id", filter=Q(deadline__lte=soon)),
            )
        )
        groups.append((closed, self.filter(phase=closed).order_by().count(), 0, 0))
        return {phase: n for phase, n, _, _ in groups if n}, status_counts(groups)

    def with_status(self, today: dt.date) -> "WithStatus":
        """Annotate ``computed_status`` (see meetings.status) and ``status_rank`` (overdue first)."""
        # the annotations' names are in StatusAnnotations: mypy cannot read them from the dict
        return cast("WithStatus", self.annotate(**status_annotations(today)))


if TYPE_CHECKING:
    WithStatus = models.QuerySet[WithAnnotations["FollowUpAssignment", StatusAnnotations]]


class FollowUpAssignment(models.Model):
    """One unit's part in a follow-up item: it signs, reports, asks for closure; the office closes."""

    class Role(models.TextChoices):
        LEAD = "lead", "牵头"
        SUPPORT = "support", "配合"

    Phase = FollowUpPhase  # defined with the status rules that read it (meetings/status.py)

    item = models.ForeignKey(
        FollowUpItem, verbose_name="督办事项", on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(
        MemberUnit, verbose_name="单位", on_delete=models.PROTECT, related_name="followups"
    )
    role = models.CharField("分工", max_length=10, choices=Role.choices, default=Role.LEAD)
    phase = models.CharField("办理环节", max_length=20, choices=Phase.choices, default=Phase.ASSIGNED)
    # the item's deadline when assigned; an approved 延期申请 moves this unit's deadline only
    deadline = models.DateField("办理时限（本单位）")
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签收人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_report_at = models.DateTimeField("最近报送时间", null=True, blank=True)
    closure_requested_at = models.DateTimeField("申请销号时间", null=True, blank=True)
    completed_on = models.DateField("办结日期", null=True, blank=True, help_text="获准销号的那次申请的日期")
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="销号人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = FollowUpAssignmentQuerySet.as_manager()
    history = HistoricalRecords()

    computed_status: str  # not stored: annotated by ``.with_status(today)`` (meetings.status)

    class Meta:
        verbose_name = "督办分工"
        verbose_name_plural = "督办分工"
        ordering = ["item", "role", "unit__order"]
        constraints = [
            models.UniqueConstraint(fields=["item", "unit"], name="meetings_followupassignment_one_per_unit"),
            models.CheckConstraint(
                condition=~Q(phase="closed") | Q(completed_on__isnull=False, closed_at__isnull=False),
                name="meetings_followupassignment_closed_has_dates",
            ),
        ]
        indexes = [
            # a unit's open items: the unit's home page and unit_ids_with_open_followups()
            models.Index(fields=["unit", "phase"], name="meetings_fua_unit_phase_idx"),
            # the counts per phase and status (workbench, 督办事项): read from the index alone
            models.Index(fields=["phase", "item", "deadline"], name="meetings_fua_phase_counts_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.item} — {self.unit}（{self.get_role_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("meetings:followup_detail", args=[self.pk])

    def status_on(self, today: dt.date) -> FollowUpStatus:
        return followup_status(phase=self.phase, deadline=self.deadline, today=today)

    def days_overdue(self, today: dt.date) -> int:
        """Days past this unit's deadline while not closed (0 when closed or not yet due)."""
        if self.phase == self.Phase.CLOSED:
            return 0
        return max((today - self.deadline).days, 0)

    @property
    def is_extended(self) -> bool:
        return self.deadline != self.item.deadline

    @property
    def state(self) -> FollowUpStatus:
        """The status annotated by ``.with_status(today)``."""
        return FollowUpStatus(self.computed_status)

    @property
    def is_closed(self) -> bool:
        return self.phase == self.Phase.CLOSED


class FollowUpEvent(models.Model):
    """The timeline of one assignment: what the unit reported and what the office decided."""

    class Kind(models.TextChoices):
        RELEASED = "released", "下发"
        SIGNED = "signed", "签收"
        PROGRESS = "progress", "报送进展"
        CLOSURE_REQUESTED = "closure_requested", "申请销号"
        CLOSED = "closed", "销号"
        RETURNED = "returned", "退回"
        REFUSED = "refused", "拒签退回"
        REASSIGNED = "reassigned", "重新交办"
        EXTENSION_REQUESTED = "extension_requested", "申请延期"
        EXTENSION_APPROVED = "extension_approved", "同意延期"
        EXTENSION_REFUSED = "extension_refused", "不同意延期"
        HISTORY = "history", "历史补录"

    assignment = models.ForeignKey(
        FollowUpAssignment, verbose_name="督办分工", on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField("类型", max_length=30, choices=Kind.choices)
    text = models.TextField("内容", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "督办记录"
        verbose_name_plural = "督办记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {cn_date(self.at)}"


class FollowUpEvidence(StoredUpload):
    UPLOAD_DIR = "followups"

    event = models.ForeignKey(
        FollowUpEvent, verbose_name="督办记录", on_delete=models.CASCADE, related_name="evidence"
    )

    class Meta(StoredUpload.Meta):
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"


class ExtensionRequest(models.Model):
    """延期申请: the unit asks for a later deadline; an office approver approves or refuses it."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已同意"
        REFUSED = "refused", "未同意"

    assignment = models.ForeignKey(
        FollowUpAssignment, verbose_name="督办分工", on_delete=models.CASCADE, related_name="extensions"
    )
    old_deadline = models.DateField("原办理时限")
    requested_deadline = models.DateField("申请延至")
    reason = models.TextField("延期理由")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING)
    new_deadline = models.DateField("批准延至", null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["-requested_at", "-id"]
        indexes = [
            # the pending requests, oldest first, on the office workbench: read in index order
            models.Index(
                fields=["requested_at", "id"], condition=Q(status="pending"), name="meetings_ext_pending_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(status="pending"),
                name="meetings_extensionrequest_one_pending",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(new_deadline__isnull=False),
                name="meetings_extensionrequest_approved_has_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} 延期至 {cn_date(self.requested_deadline)}"


class FollowUpSetting(models.Model):
    """The office's 督办 settings: how often overdue items are chased and when it escalates."""

    urge_interval_days = models.PositiveSmallIntegerField(
        "催办间隔（天）", default=7, help_text="逾期后每隔多少天再次向责任单位催办。"
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        "逾期升级（天）", default=15, help_text="逾期超过多少天，同时告知单位领导和委员会办公室。"
    )
    leaders = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="单位领导账户",
        blank=True,
        related_name="+",
        help_text="逾期升级时，除本单位联络员外还通知所选的本单位领导账户。",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(m2m_fields=[leaders])

    class Meta:
        verbose_name = "督办设置"
        verbose_name_plural = "督办设置"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="meetings_followupsetting_singleton"),
            models.CheckConstraint(
                condition=Q(urge_interval_days__gte=1, urge_interval_days__lte=90),
                name="meetings_followupsetting_interval_range",
            ),
            models.CheckConstraint(
                condition=Q(escalate_after_days__gte=1, escalate_after_days__lte=365),
                name="meetings_followupsetting_escalate_range",
            ),
        ]

    def __str__(self) -> str:
        return "督办设置"

    @classmethod
    def get(cls) -> "FollowUpSetting":
        obj, _ = cls.objects.get_or_create(id=1)
        return obj
