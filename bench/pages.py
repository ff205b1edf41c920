"""The pages the benchmark loads: one row per (role, page). Add a page by adding a row.

``url`` is either a URL name (``"app:name"``, reversed without arguments) or a function
``(Ctx) -> str`` that picks a realistic object of the bench user (the latest application of the
bench enterprise, the current report of the bench unit, …) and builds its URL. A page whose URL
name does not exist (yet) or whose object is missing is reported as "not available" and skipped.
The role ``public`` is anonymous; the others log in as the bench users of ``bench/seed/``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

ROLES = ("public", "enterprise", "unit", "office", "approver", "admin")
ROLE_LABELS = {
    "public": "公众",
    "enterprise": "企业用户",
    "unit": "成员单位",
    "office": "办公室",
    "approver": "办公室负责人",
    "admin": "系统管理员",
}


@dataclass(frozen=True)
class Page:
    role: str
    name: str
    url: str | Callable[[Ctx], str]

    @property
    def key(self) -> str:
        return f"{self.role}:{self.name}"


class Ctx:
    """What URL builders may use: the logged-in bench user and a few lookups."""

    def __init__(self, user):
        self.user = user

    @staticmethod
    def reverse(name: str, *args) -> str:
        from django.urls import reverse

        return reverse(name, args=args)

    def latest_application(self) -> int:
        from awards.models import Application

        qs = Application.objects.order_by("-id")
        if self.user.enterprise_id:
            qs = qs.filter(enterprise_id=self.user.enterprise_id)
        else:  # the office's view of a finished case with its whole timeline
            qs = qs.filter(status="paid")
        return qs.values_list("pk", flat=True)[0]

    def current_report(self) -> int:
        """The latest accepted report (of the user's unit): the same state on every data set, so the
        page runs the same code on both and its query counts compare."""
        from targets.models import Report

        qs = Report.objects.filter(status="accepted").order_by("-period__year", "-period__half", "pk")
        if self.user.member_unit_id:
            qs = qs.filter(unit_id=self.user.member_unit_id)
        return qs.values_list("pk", flat=True)[0]

    def current_period(self) -> int:
        from targets.models import ReportingPeriod

        return ReportingPeriod.objects.order_by("-year", "-half").values_list("pk", flat=True)[0]

    def first_target(self) -> int:
        from targets.models import Target

        return Target.objects.filter(plan__is_current=True).order_by("order").values_list("pk", flat=True)[0]

    def own_unit(self) -> int:
        from committee.models import MemberUnit

        if self.user.member_unit_id:
            return self.user.member_unit_id
        return MemberUnit.objects.get(name="市市场监管局").pk

    def latest_meeting(self, *, held: bool) -> int:
        from meetings.models import Meeting

        return (
            Meeting.objects.filter(held_on__isnull=not held)
            .order_by("-year", "-half")
            .values_list("pk", flat=True)[0]
        )

    def own_assignment(self) -> int:
        from meetings.models import FollowUpAssignment

        qs = FollowUpAssignment.objects.order_by("-id")
        if self.user.member_unit_id:
            qs = qs.filter(unit_id=self.user.member_unit_id)
        return qs.values_list("pk", flat=True)[0]


PAGES: list[Page] = [
    # public
    Page("public", "首页", "core:home"),
    Page("public", "政策与目标", "core:policy"),
    Page("public", "奖励标准", "core:reward_schedule"),
    Page("public", "公示", "awards:publicity"),
    Page("public", "登录页", "accounts:login"),
    # enterprise
    Page("enterprise", "工作台", "core:workbench"),
    Page("enterprise", "我的申报", "awards:my_applications"),
    Page("enterprise", "申报详情", lambda c: c.reverse("awards:application_detail", c.latest_application())),
    Page("enterprise", "本企业信息", lambda c: c.reverse("awards:enterprise_detail", c.user.enterprise_id)),
    Page("enterprise", "消息", "notifications:inbox"),
    # member unit
    Page("unit", "工作台", "core:workbench"),
    Page("unit", "本期报告", lambda c: c.reverse("targets:report_detail", c.current_report())),
    Page("unit", "目标总览", "targets:dashboard"),
    Page("unit", "本单位进度", lambda c: c.reverse("targets:unit_detail", c.own_unit())),
    Page("unit", "督办事项", "meetings:followup_list"),
    Page("unit", "督办详情", lambda c: c.reverse("meetings:followup_detail", c.own_assignment())),
    Page("unit", "联席会议", "meetings:meeting_list"),
    Page("unit", "消息", "notifications:inbox"),
    # office staff
    Page("office", "工作台", "core:workbench"),
    Page("office", "申报审核", "awards:office_applications"),
    Page("office", "申报详情", lambda c: c.reverse("awards:application_detail", c.latest_application())),
    Page("office", "企业管理", "awards:enterprise_list"),
    Page("office", "资金台账", "awards:money"),
    Page("office", "公示管理", "awards:publicity_manage"),
    Page("office", "发布公示", "awards:publicity_publish"),
    Page("office", "目标总览", "targets:dashboard"),
    Page("office", "指标×单位矩阵", "targets:matrix"),
    Page("office", "指标详情", lambda c: c.reverse("targets:target_detail", c.first_target())),
    Page("office", "报送期次", "targets:period_list"),
    Page("office", "本期报送", lambda c: c.reverse("targets:period_detail", c.current_period())),
    Page("office", "报告列表", "targets:report_list"),
    Page("office", "报告详情", lambda c: c.reverse("targets:report_detail", c.current_report())),
    Page("office", "联席会议", "meetings:meeting_list"),
    Page("office", "会议详情", lambda c: c.reverse("meetings:meeting_detail", c.latest_meeting(held=False))),
    Page("office", "会议纪要", lambda c: c.reverse("meetings:minutes", c.latest_meeting(held=True))),
    Page("office", "督办事项", "meetings:followup_list"),
    Page("office", "年度工作计划", "meetings:workplan_list"),
    Page("office", "考核", "assessment:index"),
    Page("office", "委员会名单", "committee:roster"),
    Page("office", "成员单位", "committee:unit_list"),
    Page("office", "半年报告", "scheduler:reports"),
    Page("office", "消息", "notifications:inbox"),
    # office approver
    Page("approver", "工作台", "core:workbench"),
    Page("approver", "申报审核", "awards:office_applications"),
    Page("approver", "资金台账", "awards:money"),
    Page("approver", "目标总览", "targets:dashboard"),
    # system admin
    Page("admin", "工作台", "core:workbench"),
    Page("admin", "系统管理首页", "admin:index"),
    Page("admin", "系统状态", "core:health"),
]

# the trivial Django view every page is compared with
TRIVIAL = Page("public", "trivial view (/healthz/)", "core:healthz")

# Each list page of the office with the Django admin changelist of the same model: the peer a Django
# developer would otherwise hand the office. Both are rendered in the same run, in turn; the admin
# page as the bench system administrator (the only role the admin site lets in).
ADMIN_PEERS = {
    "office:申报审核": "admin:awards_application_changelist",
    "approver:申报审核": "admin:awards_application_changelist",
    "office:企业管理": "admin:awards_enterprise_changelist",
    "office:公示管理": "admin:awards_publicitybatch_changelist",
    "office:报送期次": "admin:targets_reportingperiod_changelist",
    "office:报告列表": "admin:targets_report_changelist",
    "office:联席会议": "admin:meetings_meeting_changelist",
    "office:督办事项": "admin:meetings_followupitem_changelist",
    "office:年度工作计划": "admin:meetings_workplan_changelist",
    "office:委员会名单": "admin:committee_seat_changelist",
    "office:成员单位": "admin:committee_memberunit_changelist",
    "office:消息": "admin:notifications_notification_changelist",
}


def resolve(page: Page, user) -> str:
    """The page's URL for ``user``; raises LookupError when it is not available."""
    from django.urls import NoReverseMatch

    try:
        if isinstance(page.url, str):
            return Ctx.reverse(page.url)
        return page.url(Ctx(user))
    except NoReverseMatch as exc:
        raise LookupError(f"URL name not found: {exc}") from None
    except (IndexError, ImportError, AttributeError) as exc:
        raise LookupError(f"no object to show ({type(exc).__name__}: {exc})") from None
    except Exception as exc:  # a model lookup (DoesNotExist, …)
        raise LookupError(f"{type(exc).__name__}: {exc}") from None
