"""Shared machinery of the application workflow: locking, recorded steps, notifications."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.models import User
from accounts.permissions import AnyUser, is_approver, is_office
from core.errors import ServiceError
from notifications.services import notify

from ..formatting import cn_date, wan
from ..models import Application, ApplicationEvent

__all__ = ["cn_date", "wan"]  # re-exported for the services, with what is defined here

Status = Application.Status
Action = ApplicationEvent.Action


def require_office(user: AnyUser) -> None:
    if not is_office(user):
        raise PermissionDenied("只有办公室工作人员可以办理此事项。")


def require_approver(user: AnyUser) -> None:
    if not is_approver(user):
        raise PermissionDenied("只有办公室负责人可以复核。")


def lock(application: Application) -> Application:
    """The application's row, locked for the rest of the transaction.

    Every workflow step reads the state under this lock, so two people acting at once (a double
    click, two reviewers) are serialised and the second one sees the state the first one left.
    """
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("enterprise", "reward_item")
        .get(pk=application.pk)
    )


def refuse_state(application: Application, what: str) -> ServiceError:
    return ServiceError(
        f"该申报当前状态为“{application.get_status_display()}”，不能{what}。", code="illegal_transition"
    )


def record(
    application: Application,
    *,
    action: str,
    from_status: str,
    actor: User | None,
    comment: str = "",
    notify_enterprise: bool = True,
) -> ApplicationEvent:
    """Store one step of the timeline and tell the enterprise's users about it."""
    event = ApplicationEvent.objects.create(
        application=application,
        action=action,
        from_status=from_status,
        to_status=application.status,
        actor=actor,
        comment=comment,
        created_at=timezone.now(),
    )
    if notify_enterprise:
        _notify_enterprise(application, event)
    return event


def _notify_enterprise(application: Application, event: ApplicationEvent) -> None:
    recipients = list(User.objects.filter(enterprise_id=application.enterprise_id, is_active=True))
    if not recipients:
        return
    body = (
        f"您单位的奖励申报 {application.code}（{application.reward_item.name}）办理进展："
        f"{event.get_action_display()}，当前状态“{application.get_status_display()}”。"
    )
    if event.comment:
        body += f"\n意见：{event.comment}"
    notify(
        occasion=f"application:{application.pk}:event:{event.pk}",
        recipients=recipients,
        subject=f"奖励申报 {application.code}：{event.get_action_display()}",
        body=body,
        url=application.get_absolute_url(),
    )
