from accounts.models import User
from accounts.permissions import is_office

from .permissions import can_use_meetings


def nav_group(user: User) -> dict | None:
    if not can_use_meetings(user):
        return None
    items = [
        ("联席会议", "meetings:meeting_list"),
        ("督办事项", "meetings:followup_list"),
        ("逾期督办", "meetings:followup_overdue"),
    ]
    if is_office(user):
        items += [
            ("年度工作计划", "meetings:workplan_list"),
            ("历史会议补录", "meetings:history_create"),
            ("督办设置", "meetings:followup_settings"),
        ]
    return {"label": "联席会议与督办", "order": 30, "items": items}
