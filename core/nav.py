def nav_group(user):
    items = [("工作台", "core:workbench")]
    if user.role in ("office_staff", "office_approver", "admin"):
        items.append(("后台任务状态", "core:health"))
    if user.role in ("office_staff", "office_approver"):
        items.append(("工作日历", "core:calendar"))
    if user.role == "admin":
        items.append(("系统管理后台", "admin:index"))
    return {"label": "首页", "order": 0, "items": items}
