import datetime as dt

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords


class MemberUnit(models.Model):
    """A body of the committee (附件1) or a 责任单位 named in section 二."""

    class Kind(models.TextChoices):
        BUREAU = "bureau", "市直部门"
        TOWNSHIP = "township", "乡镇"
        ZONE = "zone", "管理区/开发区"
        OTHER = "other", "其他单位"

    name = models.CharField("单位简称", max_length=50, unique=True)
    full_name = models.CharField("单位全称", max_length=100, blank=True)
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, default=Kind.BUREAU)
    is_member = models.BooleanField("委员会成员单位", default=True)
    aliases = models.JSONField("别名", default=list, blank=True)
    order = models.PositiveIntegerField("排序", default=0)
    active = models.BooleanField("有效", default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "成员单位"
        verbose_name_plural = "成员单位"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("committee:unit_detail", args=[self.pk])


class Role(models.Model):
    """A role (职务) of the committee, as the policy pack declares it (committee.yaml ``roles``): 主任,
    常务副主任, 成员, 办公室主任, 联络员 ... ``group`` places its seats on the roster."""

    class Group(models.TextChoices):
        LEADERSHIP = "leadership", "领导"
        MEMBER = "member", "成员"
        OFFICE = "office", "委员会办公室"
        LIAISON = "liaison", "联络员"

    # the joint meeting's convener holds the first, or the second when delegated (附件2 第三条)
    OFFICE_DIRECTOR = "office_director"
    OFFICE_DEPUTY = "office_deputy"

    code = models.SlugField("代码", max_length=30, primary_key=True)
    name = models.CharField("职务名称", max_length=30)
    group = models.CharField("名单分组", max_length=20, choices=Group.choices, default=Group.MEMBER)
    order = models.PositiveIntegerField("排序", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "委员会职务"
        verbose_name_plural = "委员会职务"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Seat(models.Model):
    """A position on the committee (附件1); the person holding it changes over time."""

    role = models.ForeignKey(Role, verbose_name="职务", on_delete=models.PROTECT, related_name="seats")
    title = models.CharField("职务/职称", max_length=100)
    unit = models.ForeignKey(
        MemberUnit, verbose_name="所在单位", on_delete=models.PROTECT, related_name="seats"
    )
    order = models.PositiveIntegerField("排序", default=0)
    active = models.BooleanField("有效", default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "委员会席位"
        verbose_name_plural = "委员会席位"
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["role", "unit", "title"], name="committee_seat_unique_role_unit_title"
            )
        ]

    def __str__(self) -> str:
        return f"{self.role.name} {self.unit} {self.title}"

    @property
    def display_title(self) -> str:
        """The post as 附件1 prints it: 市长 for the leadership, 市市场监管局局长 for the members,
        办公室主任 for the committee's office (which sits in, but is not part of, 市市场监管局)."""
        if self.role.group != Role.Group.MEMBER:
            return self.title
        return f"{self.unit.name}{self.title}"


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def current(self, on: dt.date | None = None) -> "AppointmentQuerySet":
        """Appointments in force on ``on`` (today by default)."""
        on = on or timezone.localdate()
        return self.filter(start_date__lte=on).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))


class Appointment(models.Model):
    """Who held a seat, from when to when (人事变动 keeps the history)."""

    seat = models.ForeignKey(Seat, verbose_name="席位", on_delete=models.PROTECT, related_name="appointments")
    person_name = models.CharField("姓名", max_length=50, blank=True, help_text="文件未载明姓名时留空")
    start_date = models.DateField("任职起始日")
    end_date = models.DateField("任职截止日", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    history = HistoricalRecords()
    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = "任职记录"
        verbose_name_plural = "任职记录"
        ordering = ["seat__order", "-start_date"]
        constraints = [
            # one current holder per seat; overlapping closed terms are refused by the service
            models.UniqueConstraint(
                fields=["seat"],
                condition=Q(end_date__isnull=True),
                name="committee_appointment_one_current_per_seat",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="committee_appointment_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name or '（未载明）'} {self.seat.title}"


class UnitContact(models.Model):
    """A contact person (联络员) of a member unit; the office keeps the list up to date."""

    unit = models.ForeignKey(
        MemberUnit, verbose_name="单位", on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField("姓名", max_length=50)
    position = models.CharField("职务", max_length=50, blank=True)
    phone = models.CharField("办公电话", max_length=30, blank=True)
    mobile = models.CharField("手机", max_length=20, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    is_primary = models.BooleanField("主要联络员", default=False)
    order = models.PositiveSmallIntegerField("排序", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "单位联系人"
        verbose_name_plural = "单位联系人"
        ordering = ["unit", "-is_primary", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(is_primary=True),
                name="committee_unitcontact_one_primary_per_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.name}"
