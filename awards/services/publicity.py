"""公示: publishing batches, objections that hold a case, and the end of the window."""

import datetime as dt
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.selectors import office_users
from core.errors import ServiceError
from core.history import save_with_history
from core.models import SiteSetting
from core.workdays import add_workdays
from notifications.services import notify

from ..models import Application, Objection, PublicityBatch
from ._workflow import Action, Status, cn_date, lock, record, refuse_state, require_office

MAX_START_AHEAD_DAYS = 30


def publicity_window(start_date: dt.date) -> dt.date:
    """The last day of a 公示 starting on ``start_date`` (working days, holidays respected)."""
    return add_workdays(start_date, SiteSetting.get().publicity_workdays)


def publicity_publish(
    *,
    applications: Sequence[Application],
    start_date: dt.date,
    by: User,
    contact_phone: str,
    contact_address: str,
    note: str = "",
    today: dt.date | None = None,
) -> PublicityBatch:
    """Publish the applications that passed 复核 as one 公示 list."""
    require_office(by)
    today = today or timezone.localdate()
    if not applications:
        raise ServiceError("请至少选择一项复核通过的申报。", code="empty")
    if start_date < today:
        raise ServiceError("公示开始日期不能早于今天。", code="start_past")
    if start_date > today + dt.timedelta(days=MAX_START_AHEAD_DAYS):
        raise ServiceError(f"公示开始日期最多可提前 {MAX_START_AHEAD_DAYS} 天安排。", code="start_far")
    if not contact_phone.strip() or not contact_address.strip():
        raise ServiceError("请填写异议受理电话和地址，公众需要知道如何提出异议。", code="contact")
    setting = SiteSetting.get()
    end_date = add_workdays(start_date, setting.publicity_workdays)
    with transaction.atomic():
        locked = [lock(a) for a in sorted(applications, key=lambda a: a.pk)]
        for application in locked:
            if application.status != Status.SECOND_PASSED:
                raise ServiceError(
                    f"{application.code}（{application.enterprise.name}）当前状态为"
                    f"“{application.get_status_display()}”，只有复核通过的申报才能公示。",
                    code="illegal_transition",
                )
        year = start_date.year
        number = (PublicityBatch.objects.filter(year=year).aggregate(m=Max("number"))["m"] or 0) + 1
        try:
            # race: two people publishing at once would take the same number; the unique key refuses one
            with transaction.atomic():
                batch = PublicityBatch.objects.create(
                    year=year,
                    number=number,
                    title=f"{year}年度质量品牌奖励拟奖励名单公示（第{number}批）",
                    start_date=start_date,
                    end_date=end_date,
                    workdays=setting.publicity_workdays,
                    contact_phone=contact_phone.strip(),
                    contact_address=contact_address.strip(),
                    note=note.strip(),
                    published_by=by,
                )
        except IntegrityError as exc:
            raise ServiceError("另一位同事正在发布公示，请刷新后重试。", code="concurrent") from exc
        comment = f"{batch.title}，公示期 {cn_date(start_date)} 至 {cn_date(end_date)}。"
        for application in locked:
            application.status = Status.PUBLICITY
            application.publicity_batch = batch
            application.updated_at = timezone.now()
            application.save()
            record(
                application,
                action=Action.PUBLISH,
                from_status=Status.SECOND_PASSED,
                actor=by,
                comment=comment,
            )
    return batch


def objection_record(
    *,
    application: Application,
    received_on: dt.date,
    content: str,
    by: User,
    objector: str = "",
    today: dt.date | None = None,
) -> Objection:
    """Record an objection received during the window: the case is held until it is resolved."""
    require_office(by)
    today = today or timezone.localdate()
    if not content.strip():
        raise ServiceError("请填写异议内容。", code="content")
    with transaction.atomic():
        application = lock(application)
        if application.status != Status.PUBLICITY:
            raise refuse_state(application, "登记公示异议")
        batch = application.publicity_batch
        assert batch is not None  # an application in 公示 belongs to a batch
        if received_on > today:
            raise ServiceError("收到日期不能晚于今天。", code="future")
        if not batch.start_date <= received_on <= batch.end_date:
            raise ServiceError(
                f"只受理公示期内（{cn_date(batch.start_date)} 至 {cn_date(batch.end_date)}）提出的异议。",
                code="outside_window",
            )
        objection = Objection.objects.create(
            application=application,
            received_on=received_on,
            content=content.strip(),
            objector=objector.strip(),
            recorded_by=by,
        )
        record(
            application,
            action=Action.OBJECTION,
            from_status=application.status,
            actor=by,
            comment="办公室正在核查，核查完成前暂不进入拨付。",
        )
    return objection


def objection_resolve(
    *, objection: Objection, by: User, upheld: bool, resolution: str, today: dt.date | None = None
) -> Objection:
    """Close an objection: upheld → 未通过; not upheld → the case continues (待拨付 if the window is over)."""
    require_office(by)
    today = today or timezone.localdate()
    if not resolution.strip():
        raise ServiceError("请填写核查意见。", code="resolution")
    with transaction.atomic():
        application = lock(objection.application)
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        if not objection.is_open:
            raise ServiceError("该异议已经处理，不能重复处理。", code="already_resolved")
        if application.status != Status.PUBLICITY:
            raise refuse_state(application, "处理公示异议")
        objection.outcome = Objection.Outcome.UPHELD if upheld else Objection.Outcome.DISMISSED
        objection.resolution = resolution.strip()
        objection.resolved_by = by
        objection.resolved_at = timezone.now()
        objection.save()
        if upheld:
            application.status = Status.REJECTED
            application.updated_at = timezone.now()
            application.save()
            record(
                application,
                action=Action.OBJECTION_UPHELD,
                from_status=Status.PUBLICITY,
                actor=by,
                comment=objection.resolution,
            )
        else:
            record(
                application,
                action=Action.OBJECTION_DISMISSED,
                from_status=Status.PUBLICITY,
                actor=by,
                comment=objection.resolution,
            )
            batch = application.publicity_batch
            assert batch is not None  # an application in 公示 belongs to a batch
            if batch.end_date < today:
                _advance(application.pk, today=today)
    return objection


def _due(today: dt.date) -> QuerySet[Application]:
    return Application.objects.filter(status=Status.PUBLICITY, publicity_batch__end_date__lt=today).exclude(
        objections__outcome=Objection.Outcome.OPEN
    )


def _advance(application_id: int, *, today: dt.date) -> bool:
    """Move one application to 待拨付 if it is still due; False when someone got there first."""
    # race: the daily task run twice (a retry, a second beat) or an objection recorded at the same
    # moment. The row lock serialises them; the state, the window and the objections are read after
    # it (a fresh statement sees what the other transaction committed), so the move happens once.
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("enterprise", "reward_item", "funding_source", "publicity_batch")
        .filter(pk=application_id, status=Status.PUBLICITY, publicity_batch__end_date__lt=today)
        .first()
    )
    if application is None or application.objections.filter(outcome=Objection.Outcome.OPEN).exists():
        return False
    application.status = Status.AWAITING_PAYMENT
    application.updated_at = timezone.now()
    # the daily task moves it: no person acts
    save_with_history(application, None, reason="公示期满无异议，转入待拨付")
    batch = application.publicity_batch
    assert batch is not None  # the query asked for one
    record(
        application,
        action=Action.PUBLICITY_END,
        from_status=Status.PUBLICITY,
        actor=None,
        comment=f"公示期 {cn_date(batch.start_date)} 至 {cn_date(batch.end_date)} 届满，未收到异议或异议不成立。",
    )
    return True


def publicity_advance_due(*, today: dt.date) -> int:
    """Move every application whose 公示 window has ended with no open objection to 待拨付.

    Idempotent (each move re-reads the state under a row lock); the scheduler calls it every day. Returns the
    number of applications moved by this call.
    """
    moved = 0
    for application_id in list(_due(today).values_list("pk", flat=True)):
        with transaction.atomic():
            if _advance(application_id, today=today):
                moved += 1
    if moved:
        notify(
            occasion=f"publicity:advance:{today.isoformat()}",
            recipients=office_users(staff_only=True),
            subject=f"{moved} 项奖励公示期满，待拨付",
            body=f"截至 {cn_date(today)}，{moved} 项奖励申报公示期满且无未处理异议，已转入“待拨付”，请办理拨付。",
            url=reverse("awards:office_applications") + "?status=awaiting_payment",
        )
    return moved
