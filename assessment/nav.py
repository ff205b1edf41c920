from accounts.models import User
from accounts.permissions import is_office, is_unit_user


def nav_group(user: User) -> dict | None:
    if is_office(user):
        return {"label": "督查考核", "order": 31, "items": [("年度考核评分", "assessment:index")]}
    if is_unit_user(user):
        return {"label": "督查考核", "order": 31, "items": [("本单位考核结果", "assessment:mine")]}
    return None
