"""Everyone's inbox."""

from __future__ import annotations

import datetime as dt

from .base import Context, bulk, make


def seed_notifications(ctx: Context) -> None:
    from accounts.models import User
    from notifications.models import Notification

    per_role = ctx.scale["notifications"]
    rows = []
    for user in User.objects.filter(username__startswith="bench_").order_by("pk"):
        count = per_role.get(user.role, 0)
        for i in range(count):
            sent = ctx.aware(ctx.today - dt.timedelta(days=(i * 3) % 3650))
            rows.append(
                make(
                    Notification,
                    recipient=user,
                    occasion=f"bench:{user.pk}:{i}",
                    channel=Notification.Channel.INAPP,
                    subject=f"基准测试提醒{i + 1}",
                    body="基准测试：提醒正文。",
                    url="/workbench/",
                    status=Notification.Status.SENT,
                    sent_at=sent,
                    read_at=sent if i % 4 else None,
                )
            )
    bulk(Notification, rows, ctx)
