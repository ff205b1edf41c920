from accounts.models import User
from accounts.permissions import is_office
from core.policy import rhythm_name


def nav_group(user: User) -> dict | None:
    if not is_office(user):
        return None
    return {
        "label": "报告与计划任务",
        "order": 80,
        "items": [(f"{rhythm_name()}进度报告", "scheduler:reports"), ("计划任务", "scheduler:schedules")],
    }
