"""The outbox's part of the health page: messages in an unknown state, and a stuck queue."""

import datetime as dt

from django.utils import timezone

from core.health import FAIL, OK, WARN, Check

from . import selectors

STUCK_AFTER = dt.timedelta(minutes=10)


def checks() -> list[Check]:
    unknown = list(selectors.unknown_outcome()[:20])
    total_unknown = selectors.unknown_outcome().count()
    stuck = selectors.outbox_overdue(older_than=STUCK_AFTER).count()
    result = []
    if total_unknown:
        result.append(
            Check(
                "unknown_messages",
                "状态未知的邮件",
                WARN,
                f"有 {total_unknown} 封邮件在发送途中工作进程退出，无法确认是否已发出；为避免重复，系统不会自动重发。",
                "请在“邮件发送状况”页面逐封确认收件人是否收到，未收到的点击“重新发送”。",
                [
                    f"{timezone.localtime(n.created_at):%m-%d %H:%M} {n.recipient.display_name}：{n.subject}"
                    for n in unknown
                ],
            )
        )
    else:
        result.append(Check("unknown_messages", "状态未知的邮件", OK, "没有状态未知的邮件。"))
    if stuck:
        result.append(
            Check(
                "outbox",
                "待发送邮件",
                FAIL,
                f"有 {stuck} 封邮件等待发送已超过 {STUCK_AFTER.seconds // 60} 分钟。",
                "请检查消息队列与后台工作进程（见本页上方），恢复后会自动补发。",
            )
        )
    return result
