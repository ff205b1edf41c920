"""The money integrity page: possible duplicate awards over the whole history and their rulings."""

from typing import cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.permissions import AuthenticatedRequest, approver_required, is_approver, office_required
from core.documents import xlsx_response
from core.errors import show_error

from .. import documents, selectors, services
from ..filters import FindingFilter
from ..forms import FindingRulingForm
from ..models import DuplicateFinding

MAX_EXPORT_ROWS = 20000
RULING_CHOICES = cast(forms.ChoiceField, FindingRulingForm.base_fields["ruling"]).choices


def _filtered(request: HttpRequest) -> FindingFilter:
    return FindingFilter(request.GET or None, queryset=selectors.findings())


@office_required
def integrity(request: AuthenticatedRequest) -> HttpResponse:
    filterset = _filtered(request)
    page = Paginator(selectors.finding_rows(filterset.qs), 30).get_page(request.GET.get("page"))
    open_count = DuplicateFinding.objects.filter(ruling=DuplicateFinding.Ruling.PENDING).count()
    return render(
        request,
        "awards/integrity.html",
        {
            "filter": filterset,
            "page_obj": page,
            "open_count": open_count,
            "can_rule": is_approver(request.user),
            "ruling_choices": RULING_CHOICES,
        },
    )


@office_required
def integrity_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    sheets = documents.integrity_sheets(_filtered(request).qs[:MAX_EXPORT_ROWS])
    return xlsx_response(sheets, f"疑似重复奖励清单-{timezone.localdate():%Y%m%d}.xlsx")


@require_POST
@office_required
def integrity_scan(request: AuthenticatedRequest) -> HttpResponse:
    found = services.findings_scan(found_on="办公室全面检查")
    messages.success(
        request,
        f"已检查全部记录，新发现 {found} 项疑似重复。" if found else "已检查全部记录，未发现新的疑似重复。",
    )
    return redirect("awards:integrity")


@require_POST
@approver_required
def finding_rule(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    finding = get_object_or_404(DuplicateFinding, pk=pk)
    form = FindingRulingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择裁定结论并写明裁定意见。")
    else:
        try:
            services.finding_rule(
                finding=finding,
                by=request.user,
                ruling=form.cleaned_data["ruling"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as exc:
            show_error(request, exc)
        else:
            messages.success(request, f"已裁定：{finding.application.code} 与 {finding.other.code}。")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = finding.application.get_absolute_url()
    return redirect(target)
