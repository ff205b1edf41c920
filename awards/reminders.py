"""Reminders of reward applications (contract: notifications/reminders.py).

- waiting for 初审 longer than the office's service limit → office staff,
  ``application:<id>:review_overdue:submitted``;
- waiting for 复核 longer than the limit → approvers, ``application:<id>:review_overdue:first_passed``;
- a 公示 window closing today → office staff, ``publicity:<batch id>:closing``.
"""

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from accounts.selectors import approvers, office_users
from core.calendar import year_known
from core.dates import cn_date
from core.models import SiteSetting
from core.workdays import workdays_between
from notifications.reminders import Reminder

from .models import Application, PublicityBatch

Status = Application.Status


def overdue_before(today: dt.date, limit: int) -> dt.date:
    """Waiting since a day before the returned date means more than ``limit`` working days by today."""
    span = dt.timedelta(days=limit * 3 + 45)
    days = workdays_between(today - span, today)
    while len(days) < limit + 1:  # a very long holiday table: look further back
        span *= 2
        days = workdays_between(today - span, today)
    # count_workdays(start, today) > limit  ⇔  start < the (limit + 1)-th last working day up to today
    return days[-(limit + 1)]


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _overdue(
    applications: QuerySet[Application],
    *,
    since: str,
    stage: str,
    recipients: tuple,
    limit: int,
    caveat: str = "",
) -> Iterable[Reminder]:
    for application in applications.select_related("enterprise", "reward_item").order_by(since):
        yield Reminder(
            occasion=f"application:{application.pk}:review_overdue:{application.status}",
            recipients=recipients,
            subject=f"奖励申报 {application.code} 待{stage}已超过 {limit} 个工作日",
            body=(
                f"{application.enterprise.name} 的 {application.reward_item.name} 申报自 "
                f"{cn_date(timezone.localdate(getattr(application, since)))} 起等待{stage}，"
                f"已超过 {limit} 个工作日的服务时限，请尽快办理。{caveat}"
            ),
            url=application.get_absolute_url(),
        )


def collect(today: dt.date) -> Iterable[Reminder]:
    limit = SiteSetting.get().review_service_limit_workdays
    cutoff = _start_of(overdue_before(today, limit))
    # working days counted in a year whose holiday arrangement is not entered are a guess (未确认)
    years = sorted({y for y in (cutoff.year, today.year) if not year_known(y)})
    caveat = (
        f"（{'、'.join(map(str, years))}年节假日安排尚未录入，工作日按周一至周五计算，未确认。）"
        if years
        else ""
    )
    yield from _overdue(
        Application.objects.filter(status=Status.SUBMITTED, submitted_at__lt=cutoff),
        since="submitted_at",
        stage="初审",
        recipients=tuple(office_users(staff_only=True)),
        limit=limit,
        caveat=caveat,
    )
    yield from _overdue(
        Application.objects.filter(status=Status.FIRST_PASSED, first_reviewed_at__lt=cutoff),
        since="first_reviewed_at",
        stage="复核",
        recipients=tuple(approvers()),
        limit=limit,
        caveat=caveat,
    )
    staff = tuple(office_users(staff_only=True))
    for batch in PublicityBatch.objects.filter(end_date=today):
        yield Reminder(
            occasion=f"publicity:{batch.pk}:closing",
            recipients=staff,
            subject=f"{batch.title}今天截止",
            body=(
                f"{batch.title}的公示期于今天（{cn_date(today)}）截止。如收到异议，请在今天登记；"
                "公示期满无未处理异议的申报将于下一日自动转入“待拨付”。"
            ),
            url=batch.get_absolute_url(),
        )
