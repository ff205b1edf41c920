from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.permissions import AuthenticatedRequest, office_required

from . import selectors, services
from .filters import DeliveryFilter, InboxFilter, OutboxFilter
from .models import Notification
from .permissions import get_own_notification
from .rows import inbox_rows

PAGE_SIZE = 20


def _page(request: HttpRequest, queryset: QuerySet[Notification]) -> Page[Notification]:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    filterset = InboxFilter(request.GET or None, queryset=selectors.inbox_for(request.user))
    page = _page(request, filterset.qs)
    rows = inbox_rows(page, csrf_token=get_token(request), next_url=request.get_full_path())
    return render(
        request,
        "notifications/inbox.html",
        {"page_obj": page, "rows": rows, "filter": filterset, "unread_only": filterset.unread_only},
    )


@require_POST
@login_required
def mark_read(request: AuthenticatedRequest, pk: int) -> HttpResponseRedirect:
    notification = get_own_notification(request.user, pk)
    services.inbox_mark_read(by=request.user, notification_ids=[notification.pk])
    return redirect(_safe_next(request, "notifications:inbox"))


@require_POST
@login_required
def mark_all_read(request: AuthenticatedRequest) -> HttpResponseRedirect:
    n = services.inbox_mark_read(by=request.user)
    messages.success(request, f"已将 {n} 条消息标为已读。" if n else "没有未读消息。")
    return redirect("notifications:inbox")


@require_POST
@login_required
def open_notification(request: AuthenticatedRequest, pk: int) -> HttpResponseRedirect:
    """Mark the message read and go to the page where the matter is handled."""
    notification = get_own_notification(request.user, pk)
    services.inbox_mark_read(by=request.user, notification_ids=[notification.pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:inbox")


@login_required
def sent(request: AuthenticatedRequest) -> HttpResponse:
    filterset = DeliveryFilter(request.GET or None, queryset=selectors.deliveries_for(request.user))
    return render(
        request, "notifications/sent.html", {"page_obj": _page(request, filterset.qs), "filter": filterset}
    )


@office_required
def outbox(request: HttpRequest) -> HttpResponse:
    filterset = OutboxFilter(request.GET or None, queryset=selectors.outbox_problems())
    return render(
        request,
        "notifications/outbox.html",
        {
            "page_obj": _page(request, filterset.qs),
            "filter": filterset,
            "counts": selectors.outbox_counts(),
            "Status": Notification.Status,
        },
    )


@require_POST
@office_required
def resend(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    if not Notification.objects.filter(pk=pk).exclude(channel=Notification.Channel.INAPP).exists():
        raise Http404("通知不存在")
    if services.notification_resend(notification_id=pk):
        messages.success(request, "已重新放入发送队列，将在一分钟内发出。")
    else:
        messages.error(request, "只有“发送失败”的邮件可以重新发送；该邮件状态已变化，未做任何更改。")
    return redirect("notifications:outbox")
