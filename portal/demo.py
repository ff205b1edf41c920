"""Demo accounts and demo work for trying the platform (never in production).

It sits in the top layer (``portal``) with the ``seed_demo`` command: it reads every feature app.
"""

import datetime as dt

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from stdnum.cn import uscc

from accounts.models import User
from awards import services as award_services
from awards.models import Application, Enterprise, RewardItem
from committee.models import MemberUnit
from core import rhythm as rh
from core.dates import cn_date
from core.policy import policy_document
from meetings import services as meeting_services
from meetings.models import BusinessKind, FollowUpAssignment, Meeting
from meetings.rules import current_cycle
from targets import services as target_services
from targets.models import Plan, Target, TargetOwner

DEMO_PASSWORD = "Jianli#Demo2026"


def make_credit_code(body17: str) -> str:
    """A valid 统一社会信用代码 for demo data: 17 characters plus the GB 32100 check digit."""
    return body17 + uscc.calc_check_digit(body17)


def _local(text: str) -> str:
    """Demo text in the loaded pack's county: ``{city}`` and ``{short}`` from its identity."""
    policy = policy_document()
    return text.format(city=policy.city_name, short=policy.short_name)


GOOD_PRODUCTS_WEEK = "【示例】开展“{short}好品”宣传周活动"

# {town}: the pack's first township (demo_units)
DEMO_ENTERPRISES = [
    ("{short}示范米业有限公司", make_credit_code("91421081MA49R8XA1"), "{city}{town}示范路 1 号"),
    ("{short}示范水产食品有限公司", make_credit_code("91421081MA49R8XB2"), "{city}工业园 8 号"),
]

# (username, role, full name, demo unit (demo_units) or enterprise index, e-mail); the unit users'
# names are their units' (from the pack)
DEMO_USERS = [
    ("office", User.Role.OFFICE_STAFF, "刘晓华（办公室）", None, "office@demo.example"),
    ("director", User.Role.OFFICE_APPROVER, "瞿建民", None, "director@demo.example"),
    ("deputy", User.Role.OFFICE_APPROVER, "吴建林", None, "deputy@demo.example"),
    ("unit_nync", User.Role.UNIT, "", "agri", "nync@demo.example"),
    ("unit_scjg", User.Role.UNIT, "", "office", "scjg@demo.example"),
    ("unit_rongcheng", User.Role.UNIT, "", "town", "town@demo.example"),
    ("ent_rice", User.Role.ENTERPRISE, "王经理（示范米业）", 0, "rice@demo.example"),
    ("ent_fish", User.Role.ENTERPRISE, "李经理（示范水产）", 1, "fish@demo.example"),
    ("admin", User.Role.ADMIN, "系统管理员", None, "admin@demo.example"),
]


def demo_units() -> dict[str, MemberUnit]:
    """The units the demo works with, from the loaded pack: ``office`` the office's unit, ``agri``
    the other unit of the plan's 地理标志 targets (the demo's story), ``town`` the first township."""
    policy = policy_document()
    office = MemberUnit.objects.get(name=policy.office_unit)
    members = MemberUnit.objects.filter(active=True, is_member=True).order_by("order", "id")
    owners = (
        TargetOwner.objects.filter(target__name__contains="地理标志")
        .exclude(unit=office)
        .order_by("role", "target__order", "id")  # lead before support
    )
    first = owners.select_related("unit").first()
    agri = first.unit if first else members.exclude(pk=office.pk).first()
    town = members.filter(kind=MemberUnit.Kind.TOWNSHIP).first() or members.exclude(pk__in=[office.pk]).last()
    assert agri is not None and town is not None, "the pack has too few units for the demo"
    return {"office": office, "agri": agri, "town": town}


@transaction.atomic
def seed_demo_accounts() -> list[tuple[User, bool]]:
    if settings.PRODUCTION:
        raise RuntimeError("生产模式下不创建演示账户。")
    units = demo_units()
    enterprises = []
    for name, code, address in DEMO_ENTERPRISES:
        name, address = _local(name), _local(address.replace("{town}", units["town"].name))
        ent, _ = Enterprise.objects.get_or_create(
            credit_code=code,
            defaults={
                "name": name,
                "address": address,
                "contact_person": "演示联系人",
                "contact_phone": "0716-3000000",
            },
        )
        enterprises.append(ent)
    result = []
    for username, role, full_name, owner, email in DEMO_USERS:
        defaults: dict[str, object] = {"role": role, "full_name": full_name, "email": email}
        if role == User.Role.UNIT and isinstance(owner, str):  # a unit user names its demo unit
            defaults.update(member_unit=units[owner], full_name=f"{units[owner].name}联络员")
        if role == User.Role.ENTERPRISE and isinstance(owner, int):  # an enterprise user its index
            defaults["enterprise"] = enterprises[owner]
        if role == User.Role.ADMIN:
            defaults.update(is_staff=True, is_superuser=True)
        user, created = User.objects.get_or_create(username=username, defaults=defaults)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        result.append((user, created))
    return result


# --- demo work: something for every demo role to do today --------------------------------------
# Everything below is marked 示例 and created once (the command runs on every `make run`).

DEMO_MARK = "（示例）"
DEMO_PLAN_CODE = "demo-next-plan"


def _meeting_term_of(day: dt.date) -> tuple[int, int]:
    """The meeting ``day`` prepares for, in the meeting rule's cycle (Jianli: its half year)."""
    return current_cycle().term_of(day)


def _plan_for_today(office: User, today: dt.date) -> Plan:
    """The plan covering today; once the 2022–2025 plan is over, a demo follow-on plan with two of
    its targets (the office builds the real one)."""
    plan = (
        Plan.objects.filter(start_date__lte=today, end_date__gte=today)
        .order_by("-is_current", "-start_date")
        .first()
    )
    if plan is not None:
        return plan
    plan = Plan.objects.filter(code=DEMO_PLAN_CODE).first()
    if plan is not None:
        return plan
    previous = Plan.objects.order_by("-end_date").first()
    plan = target_services.plan_save(
        plan=Plan(
            code=DEMO_PLAN_CODE,
            name=f"{today.year}—{today.year + 4}年质量品牌提升规划{DEMO_MARK}",
            start_date=dt.date(today.year, 1, 1),
            end_date=dt.date(today.year + 4, 12, 31),
            is_current=False,
        ),
        by=office,
    )
    units = [demo_units()[key] for key in ("agri", "office", "town")]
    sources = list(previous.targets.filter(active=True).order_by("order")[:3]) if previous else []
    for n, (source, unit) in enumerate(zip(sources, units, strict=False), start=1):
        target = Target(
            plan=plan,
            code=source.code,
            category=source.category,
            kind=source.kind,
            name=f"{source.name}{DEMO_MARK}",
            measure_unit=source.measure_unit,
            target_value=source.target_value,
            baseline_value=source.baseline_value,
            baseline_date=source.baseline_date,
            deadline=plan.end_date,
            clause=source.clause,
            order=n,
        )
        target_services.target_save(target=target, by=office, lead_units=[unit], support_units=[])
    return plan


def _history_meeting(office: User, today: dt.date) -> None:
    """The previous joint meeting as history, with a closed, an overdue and a pending item."""
    cycle = current_cycle()
    year, half = cycle.previous_term(*cycle.term_of(today))
    if Meeting.objects.filter(year=year, half=half).exists():
        return
    held_on = cycle.preferred_date(year, half) - dt.timedelta(days=2)  # Jianli: 13 June, 13 December
    meeting = meeting_services.meeting_history_create(
        by=office,
        year=year,
        half=half,
        held_on=held_on,
        place=f"{policy_document().office_unit}三楼会议室{DEMO_MARK}",
        attendees="各成员单位分管负责同志（示例）",
        overview=f"【示例数据】{cn_date(held_on)}，办公室主任主持召开联席会议，研究质量品牌重点工作。",
        minutes_number="示例纪〔1〕号",
    )
    kind = BusinessKind.objects.get(code="coordination")
    item = meeting_services.agenda_item_add(
        meeting=meeting, by=office, title=f"地理标志产品保护工作{DEMO_MARK}", business_kind=kind
    )
    item.discussion = "【示例数据】会议听取了地理标志产品保护工作情况汇报。"
    item.save(update_fields=["discussion"])
    units = demo_units()
    decisions = [
        (
            _local("【示例】完成{short}大米地理标志申报材料"),
            units["agri"],
            min(held_on + dt.timedelta(days=60), today - dt.timedelta(days=1)),  # closed: in the past
            "closed",
        ),
        (
            "【示例】建立地理标志产品监管台账",
            units["agri"],
            max(today - dt.timedelta(days=20), held_on + dt.timedelta(days=1)),  # overdue, after the meeting
            "signed",
        ),
        (_local(GOOD_PRODUCTS_WEEK), units["office"], today + dt.timedelta(days=10), "signed"),
    ]
    for title, lead, deadline, state in decisions:
        meeting_services.decision_create(
            agenda_item=item,
            by=office,
            title=title,
            lead_unit=lead,
            co_units=[units["town"]] if state == "closed" else [],
            deadline=deadline,
            state=state,
            completed_on=deadline - dt.timedelta(days=5) if state == "closed" else None,
        )
    meeting_services.meeting_history_finalize(meeting=meeting, by=office)


def _extension_for_the_director(users: dict[str, User], today: dt.date) -> None:
    a = FollowUpAssignment.objects.filter(
        item__title=_local(GOOD_PRODUCTS_WEEK), unit=demo_units()["office"], phase="signed"
    ).first()
    if a is None or a.extensions.exists():
        return
    meeting_services.extension_request(
        assignment=a,
        by=users["unit_scjg"],
        requested_deadline=a.deadline + dt.timedelta(days=30),
        reason="【示例】活动场地调整，申请延期一个月。",
    )


DEMO_LICENCE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _demo_reward() -> RewardItem:
    """The demo application's line: 地理标志 where the pack has it, else its first untiered line."""
    found = RewardItem.objects.filter(code="geographical_indication", active=True).first()
    found = (
        found or RewardItem.objects.filter(active=True, tiers__isnull=True).order_by("order", "id").first()
    )
    assert found is not None, "the pack has no reward line for the demo"
    return found


def _application_to_review(users: dict[str, User], today: dt.date) -> None:
    enterprise = users["ent_rice"].enterprise
    assert enterprise is not None  # seed_demo_accounts binds it
    if Application.objects.filter(enterprise=enterprise).exists():
        return
    if not enterprise.is_verified:
        if not enterprise.licence:  # verification needs the licence: a one-page placeholder marked 示例
            enterprise.licence.save("示例营业执照.pdf", ContentFile(DEMO_LICENCE_PDF), save=True)
        award_services.enterprise_verify(enterprise=enterprise, by=users["office"])
    award_services.application_submit(
        enterprise=enterprise,
        reward_code=_demo_reward().code,
        award_date=today - dt.timedelta(days=40),
        reference="示例-GI-0001",
        issuing_body="国家知识产权局（示例）",
        description=_local("【示例数据】{short}大米获批地理标志。"),
        by=users["ent_rice"],
    )


@transaction.atomic
def seed_demo_work(today: dt.date | None = None) -> list[str]:
    """Work waiting today for each demo role (the accounts exist: ``seed_demo_accounts``)."""
    if settings.PRODUCTION:
        raise RuntimeError("生产模式下不创建演示数据。")
    today = today or timezone.localdate()
    users = {u.username: u for u in User.objects.filter(username__in=[row[0] for row in DEMO_USERS])}
    office = users["office"]
    plan = _plan_for_today(office, today)
    # the reporting period of the office's rhythm, the meeting of the rule's cycle
    term = rh.Period.of(today, target_services.reporting_rhythm())
    period, _ = target_services.period_open(plan=plan, year=term.year, half=term.number, by=office)
    _history_meeting(office, today)
    year, half = _meeting_term_of(today)
    meeting, _ = meeting_services.meeting_draft_for_term(year=year, half=half, by=office)
    if meeting.status == Meeting.Status.PREPARING and not meeting.place:
        meeting.place = f"{policy_document().office_unit}三楼会议室{DEMO_MARK}"
        meeting.save(update_fields=["place"])
    _extension_for_the_director(users, today)
    _application_to_review(users, today)
    units = demo_units()
    return [
        f"{period}进度报告：截止 {cn_date(period.due_date)}（各单位联络员填报，办公室审核）",
        f"{meeting.title}：{meeting.get_status_display()}，第一项议程汇报上次会议决定落实情况",
        f"逾期督办事项：{units['agri'].name}“建立地理标志产品监管台账”（unit_nync）",
        _local(f"延期申请待审批：{units['office'].name}“开展‘{{short}}好品’宣传周活动”（director）"),
        _local("奖励申报待初审：{short}示范米业有限公司 ") + f"{_demo_reward().name}（office）",
    ]
