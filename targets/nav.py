from accounts.models import User
from accounts.permissions import can_view_overall_progress, is_office, is_unit_user


def nav_group(user: User) -> dict | None:
    if not can_view_overall_progress(user):
        return None
    items = [("目标进度看板", "targets:dashboard")]
    if is_unit_user(user):
        items.append(("本单位进度报告", "targets:report_list"))
        items.append(("本单位目标与记录", f"/targets/units/{user.member_unit_id}/"))
    if is_office(user):
        items += [
            ("报送情况", "targets:matrix"),
            ("报送期次", "targets:period_list"),
            ("全部报告", "targets:report_list"),
            ("统计数据导入", "targets:statistics_import"),
            ("往期报告补录", "targets:period_history"),
            ("规划与指标", "targets:plan_list"),
        ]
    return {"label": "目标与进度", "order": 10, "items": items}
