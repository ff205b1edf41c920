"""Users of every role, the member units beyond the roster, enterprises."""

from __future__ import annotations

import datetime as dt

from .base import BENCH_UNIT_NAME, BENCH_USERS, Context, bulk, make


def seed_accounts(ctx: Context) -> None:
    from accounts.models import User
    from committee.models import MemberUnit
    from core.demo import make_credit_code

    scale = ctx.scale
    have = MemberUnit.objects.count()
    extra = [
        make(
            MemberUnit,
            name=f"基准测试单位{i:02d}",
            full_name=f"基准测试单位{i:02d}",
            kind=MemberUnit.Kind.TOWNSHIP,
            order=1000 + i,
        )
        for i in range(max(0, scale["min_units"] - have))
    ]
    bulk(MemberUnit, extra, ctx)
    ctx.units = list(MemberUnit.objects.filter(active=True).order_by("order", "pk"))

    try:
        from awards.models import Enterprise
    except ImportError:
        Enterprise = None
    if Enterprise is not None:
        start = ctx.today - dt.timedelta(days=365 * scale["years"])
        enterprises = [
            make(
                Enterprise,
                name=f"基准{_city_word(i)}{i:05d}有限公司",
                credit_code=make_credit_code(f"91421081MB{i:07d}"),
                address=f"容城镇基准路 {i % 500 + 1} 号",
                contact_person="联系人",
                contact_phone=f"138{i:08d}",
                verified_at=ctx.aware(ctx.day_in(start, ctx.today)),
            )
            for i in range(scale["enterprises"])
        ]
        bulk(Enterprise, enterprises, ctx)
        ctx.enterprises = list(Enterprise.objects.order_by("pk"))

    users = []

    def user(username, role, **extra_fields):
        users.append(
            make(
                User,
                username=username,
                role=role,
                full_name=extra_fields.pop("full_name", username),
                email=f"{username}@bench.jianli.local",
                password=ctx.password_hash,
                **extra_fields,
            )
        )

    user(BENCH_USERS["office"], User.Role.OFFICE_STAFF, full_name="基准办公室")
    user(BENCH_USERS["approver"], User.Role.OFFICE_APPROVER, full_name="基准负责人甲")
    user("bench_approver2", User.Role.OFFICE_APPROVER, full_name="基准负责人乙")
    user(BENCH_USERS["admin"], User.Role.ADMIN, full_name="基准管理员", is_staff=True, is_superuser=True)
    for i in range(scale["office_staff"] - 1):
        user(f"bench_office_{i:02d}", User.Role.OFFICE_STAFF, full_name=f"办公室{i:02d}")
    bench_unit = next((u for u in ctx.units if u.name == BENCH_UNIT_NAME), ctx.units[0])
    user(BENCH_USERS["unit"], User.Role.UNIT, member_unit=bench_unit, full_name="基准单位联络员")
    for unit in ctx.units:
        if unit.pk != bench_unit.pk:
            user(f"bench_unit_{unit.pk}", User.Role.UNIT, member_unit=unit, full_name=f"{unit.name}联络员")
    if ctx.enterprises:
        user(
            BENCH_USERS["enterprise"],
            User.Role.ENTERPRISE,
            enterprise=ctx.enterprises[0],
            full_name="基准企业",
        )
        for ent in ctx.enterprises[1:]:
            user(
                f"bench_ent_{ent.pk}",
                User.Role.ENTERPRISE,
                enterprise=ent,
                full_name=f"{ent.name[:10]}经办人",
            )
    bulk(User, users, ctx)

    everyone = list(User.objects.filter(username__startswith="bench_").order_by("pk"))
    by_name = {u.username: u for u in everyone}
    ctx.users = {role: by_name[name] for role, name in BENCH_USERS.items() if name in by_name}
    ctx.office_users = [u for u in everyone if u.role == User.Role.OFFICE_STAFF]
    ctx.approvers = [u for u in everyone if u.role == User.Role.OFFICE_APPROVER]
    ctx.unit_users = {u.member_unit_id: u for u in everyone if u.role == User.Role.UNIT}
    ctx.enterprise_users = {u.enterprise_id: u for u in everyone if u.role == User.Role.ENTERPRISE}


def _city_word(i: int) -> str:
    return ("米业", "水产", "食品", "纺织", "机械", "建材", "化工", "农业", "电子", "物流")[i % 10]
