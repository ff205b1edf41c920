from accounts.models import User

from .permissions import can_view_roster


def nav_group(user: User) -> dict | None:
    if not can_view_roster(user):
        return None
    items = [("委员会名单", "committee:roster"), ("成员单位", "committee:unit_list")]
    return {"label": "工作委员会", "order": 40, "items": items}
