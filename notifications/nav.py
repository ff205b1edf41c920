from accounts.models import User
from accounts.permissions import is_office


def nav_group(user: User) -> dict | None:
    if not user.is_authenticated:
        return None
    items = [("消息中心", "notifications:inbox"), ("发送记录", "notifications:sent")]
    if is_office(user):
        items.append(("邮件发送状况", "notifications:outbox"))
    return {"label": "消息", "order": 90, "items": items}
