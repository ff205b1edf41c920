"""Demo accounts for trying the platform (never in production)."""

from django.conf import settings
from django.db import transaction
from stdnum.cn import uscc

from accounts.models import User
from awards.models import Enterprise
from committee.models import MemberUnit

DEMO_PASSWORD = "Jianli#Demo2026"


def make_credit_code(body17: str) -> str:
    """A valid 统一社会信用代码 for demo data: 17 characters plus the GB 32100 check digit."""
    return body17 + uscc.calc_check_digit(body17)


DEMO_ENTERPRISES = [
    ("监利示范米业有限公司", make_credit_code("91421081MA49R8XA1"), "监利市容城镇示范路 1 号"),
    ("监利示范水产食品有限公司", make_credit_code("91421081MA49R8XB2"), "监利市新沟镇工业园 8 号"),
]

# (username, role, full name, unit or enterprise index, e-mail)
DEMO_USERS = [
    ("office", User.Role.OFFICE_STAFF, "刘晓华（办公室）", None, "office@demo.jianli.local"),
    ("director", User.Role.OFFICE_APPROVER, "瞿建民", None, "director@demo.jianli.local"),
    ("deputy", User.Role.OFFICE_APPROVER, "吴建林", None, "deputy@demo.jianli.local"),
    ("unit_nync", User.Role.UNIT, "农业农村局联络员", "市农业农村局", "nync@demo.jianli.local"),
    ("unit_scjg", User.Role.UNIT, "市场监管局联络员", "市市场监管局", "scjg@demo.jianli.local"),
    ("unit_rongcheng", User.Role.UNIT, "容城镇联络员", "容城镇", "rongcheng@demo.jianli.local"),
    ("ent_rice", User.Role.ENTERPRISE, "王经理（示范米业）", 0, "rice@demo.jianli.local"),
    ("ent_fish", User.Role.ENTERPRISE, "李经理（示范水产）", 1, "fish@demo.jianli.local"),
    ("admin", User.Role.ADMIN, "系统管理员", None, "admin@demo.jianli.local"),
]


@transaction.atomic
def seed_demo_accounts() -> list[tuple[User, bool]]:
    if settings.PRODUCTION:
        raise RuntimeError("生产模式下不创建演示账户。")
    enterprises = []
    for name, code, address in DEMO_ENTERPRISES:
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
        defaults = {"role": role, "full_name": full_name, "email": email}
        if role == User.Role.UNIT:
            defaults["member_unit"] = MemberUnit.objects.get(name=owner)
        if role == User.Role.ENTERPRISE:
            defaults["enterprise"] = enterprises[owner]
        if role == User.Role.ADMIN:
            defaults.update(is_staff=True, is_superuser=True)
        user, created = User.objects.get_or_create(username=username, defaults=defaults)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        result.append((user, created))
    return result
