from accounts.models import User
from accounts.permissions import is_office, is_platform_admin


def nav_group(user: User) -> dict | None:
    items = [("工作台", "core:workbench")]
    if is_office(user) or is_platform_admin(user):
        items.append(("后台任务状态", "core:health"))
    if is_office(user):
        items.append(("工作日历", "core:calendar"))
    if is_platform_admin(user):
        items.append(("系统管理后台", "admin:index"))
    return {"label": "首页", "order": 0, "items": items}
