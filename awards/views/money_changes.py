"""Maker-checker for money data: the pending changes, confirmed or refused by another approver."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.permissions import AuthenticatedRequest, approver_required, is_approver, office_required
from core.errors import show_error

from .. import services
from ..filters import MoneyChangeFilter
from ..forms import ChangeDecisionForm, LegacyCorrectionForm
from ..models import MoneyChange
from ..permissions import get_application


@office_required
def money_changes(request: AuthenticatedRequest) -> HttpResponse:
    base = MoneyChange.objects.select_related("made_by", "checked_by", "application", "reward_item")
    pending = base.filter(state=MoneyChange.State.PENDING).order_by("made_at", "id")[:200]
    decided = base.exclude(state=MoneyChange.State.PENDING).order_by("-checked_at", "-id")
    filterset = MoneyChangeFilter(request.GET or None, queryset=decided)
    page = Paginator(filterset.qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "awards/money_changes.html",
        {"pending": pending, "page_obj": page, "filter": filterset, "can_check": is_approver(request.user)},
    )


def _back(request: HttpRequest, change: MoneyChange) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("awards:money_changes")


def _decide(request: AuthenticatedRequest, pk: int, *, confirm: bool) -> HttpResponse:
    change = get_object_or_404(MoneyChange, pk=pk)
    form = ChangeDecisionForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        if confirm:
            services.money_change_confirm(change=change, by=request.user, comment=comment)
        else:
            services.money_change_refuse(change=change, by=request.user, comment=comment)
    except ValidationError as exc:
        show_error(request, exc)
    else:
        done = "已确认，变更已生效" if confirm else "已退回，变更未生效"
        messages.success(request, f"{done}：{change.get_kind_display()}。")
    return _back(request, change)


@require_POST
@approver_required
def money_change_confirm(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, confirm=True)


@require_POST
@approver_required
def money_change_refuse(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, confirm=False)


@office_required
def legacy_correct(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = get_application(request.user, pk)
    if not application.is_legacy:
        messages.error(request, "只有系统上线前的历史兑现记录可以更正。")
        return redirect("awards:application_detail", pk=application.pk)
    initial = {
        "amount_yuan": application.paid_amount_yuan,
        "paid_on": application.paid_on,
        "voucher_number": application.voucher_number,
        "reference": application.reference,
    }
    form = LegacyCorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.legacy_correct(application=application, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, "更正已登记，待另一位办公室负责人确认后生效。")
            return redirect("awards:application_detail", pk=application.pk)
    return render(request, "awards/legacy_correct.html", {"form": form, "application": application})
