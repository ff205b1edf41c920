from accounts.models import User
from accounts.permissions import is_enterprise_user, is_office


def nav_group(user: User) -> dict | None:
    if is_enterprise_user(user):
        return {
            "label": "奖励申报",
            "order": 20,
            "items": [
                ("我的申报", "awards:my_applications"),
                ("新建申报", "awards:application_create"),
                ("企业信息", "awards:my_enterprise"),
                ("公示公告", "awards:publicity"),
            ],
        }
    if is_office(user):
        return {
            "label": "奖励兑现",
            "order": 30,
            "items": [
                ("申报审核", "awards:office_applications"),
                ("企业核验", "awards:enterprise_list"),
                ("注册核查申请", "awards:registration_reviews"),
                ("公示管理", "awards:publicity_manage"),
                ("报请批次", "awards:funding_requests"),
                ("资金台账", "awards:money"),
                ("资金拨付台账", "awards:payment_ledger"),
                ("资金变更审核", "awards:money_changes"),
                ("资金安全检查", "awards:integrity"),
                ("历史兑现补录", "awards:legacy_create"),
                ("奖励标准维护", "awards:reward_items"),
                ("公示期与工作日历", "awards:office_settings"),
            ],
        }
    return None
