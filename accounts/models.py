from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q


class UserManager(DjangoUserManager["User"]):
    def create_superuser(
        self,
        username: str,
        email: str | None = None,
        password: str | None = None,
        **extra_fields: Any,
    ) -> "User":
        # `createsuperuser` makes the IT administrator: the admin site is for the admin role only
        extra_fields.setdefault("role", User.Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person using the platform; the role decides what they may see and do (docs/design.md)."""

    class Role(models.TextChoices):
        ENTERPRISE = "enterprise", "企业用户"
        UNIT = "unit", "成员单位用户"
        OFFICE_STAFF = "office_staff", "办公室工作人员"
        OFFICE_APPROVER = "office_approver", "办公室负责人"
        ADMIN = "admin", "系统管理员"

    role = models.CharField("角色", max_length=20, choices=Role.choices)
    full_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    enterprise = models.ForeignKey(
        "awards.Enterprise",
        verbose_name="所属企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    member_unit = models.ForeignKey(
        "committee.MemberUnit",
        verbose_name="所属成员单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            # an inactive enterprise account may be bound to none: unbound by the office, or
            # waiting for the office to assign it an enterprise (awards.RegistrationReview)
            models.CheckConstraint(
                condition=(Q(role="enterprise") & (Q(enterprise__isnull=False) | Q(is_active=False)))
                | (~Q(role="enterprise") & Q(enterprise__isnull=True)),
                name="accounts_user_enterprise_iff_enterprise_role",
            ),
            models.CheckConstraint(
                condition=(Q(role="unit") & Q(member_unit__isnull=False))
                | (~Q(role="unit") & Q(member_unit__isnull=True)),
                name="accounts_user_unit_iff_unit_role",
            ),
        ]

    def __str__(self) -> str:
        return self.name_of(self.full_name, self.username)

    @staticmethod
    def name_of(full_name: str, username: str) -> str:
        """How a user is named on pages (``str(user)``), for lists read with ``values()``."""
        return full_name or username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def is_enterprise(self) -> bool:
        return self.role == self.Role.ENTERPRISE

    @property
    def is_unit(self) -> bool:
        return self.role == self.Role.UNIT

    @property
    def is_office(self) -> bool:
        """Office staff or office approver: the people who run the programme."""
        return self.role in OFFICE_ROLES

    @property
    def is_approver(self) -> bool:
        return self.role == self.Role.OFFICE_APPROVER

    @property
    def is_platform_admin(self) -> bool:
        return self.role == self.Role.ADMIN


# the office: its staff and its approvers (the one definition; accounts.permissions and
# accounts.selectors read it)
OFFICE_ROLES = frozenset({User.Role.OFFICE_STAFF, User.Role.OFFICE_APPROVER})
