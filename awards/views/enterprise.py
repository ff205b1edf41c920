"""Pages of enterprise users: their applications, the application form, their enterprise."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.permissions import AuthenticatedRequest, enterprise_required
from core.errors import show_error

from .. import selectors, services
from ..filters import MyApplicationFilter
from ..forms import ApplicationForm, EnterpriseContactForm
from ..models import Application, Enterprise
from ..permissions import get_own_application


def _enterprise(request: AuthenticatedRequest) -> Enterprise:
    enterprise = request.user.enterprise
    assert enterprise is not None  # the views are behind enterprise_required
    return enterprise


@enterprise_required
def my_applications(request: AuthenticatedRequest) -> HttpResponse:
    enterprise = _enterprise(request)
    filterset = MyApplicationFilter(
        request.GET or None, queryset=selectors.enterprise_applications(enterprise)
    )
    page = Paginator(filterset.qs.values(*selectors.MY_APPLICATION_ROW_FIELDS), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "awards/my_applications.html",
        {
            "enterprise": enterprise,
            "page_obj": page,
            "rows": selectors.my_application_rows(page.object_list),
            "filter": filterset,
        },
    )


class _Probe(forms.Form):
    reward_item = forms.CharField(required=False)
    tier = forms.CharField(required=False)
    award_date = forms.DateField(required=False)
    reference = forms.CharField(required=False)


def conclusion(
    enterprise: Enterprise, data: Mapping[str, Any], *, exclude_id: int | None = None
) -> dict[str, Any]:
    """What the system concludes for the values typed so far, for the eligibility panel.

    ``result`` is None until an item is chosen; ``incomplete`` while the date or reference is missing
    (the panel then shows the item's amount and waits instead of listing what is not typed yet).
    """
    probe = _Probe(data)
    if not probe.is_valid() or not probe.cleaned_data["reward_item"]:
        return {"result": None, "incomplete": True}
    values = probe.cleaned_data
    result = services.check_eligibility(
        enterprise=enterprise,
        reward_code=values["reward_item"],
        award_date=values["award_date"],
        reference=values["reference"],
        exclude_application_id=exclude_id,
        tier=values["tier"],
    )
    incomplete = not values["award_date"] or not values["reference"].strip()
    return {"result": result, "incomplete": incomplete and result.reward_item is not None}


def _initial(application: Application) -> dict[str, Any]:
    return {
        "reward_item": application.reward_item.code,
        "tier": application.reward_tier.code if application.reward_tier else "",
        "award_date": application.award_date,
        "reference": application.reference,
        "issuing_body": application.issuing_body,
        "description": application.description,
    }


def _save(
    request: AuthenticatedRequest, form: ApplicationForm, application: Application | None
) -> Application | None:
    """Run the service the button asked for; returns the application or None (errors on the form)."""
    data = form.cleaned_data
    common = {
        "enterprise": request.user.enterprise,
        "reward_code": data["reward_item"].code,
        "tier": data["tier"],
        "award_date": data["award_date"],
        "reference": data["reference"],
        "issuing_body": data["issuing_body"],
        "description": data["description"],
        "application": application,
        "attachments": data["attachments"],
    }
    try:
        if form.intent == "submit":
            return services.application_submit(by=request.user, **common)
        return services.application_save_draft(by=request.user, **common)
    except ValidationError as exc:
        show_error(request, exc, form=form)
        return None


def _form_page(request: AuthenticatedRequest, application: Application | None = None) -> HttpResponse:
    enterprise = _enterprise(request)
    existing = application.attachments.count() if application else 0
    exclude_id = application.pk if application else None
    if request.method == "POST":
        intent = request.POST.get("intent", "draft")
        form = ApplicationForm(request.POST, request.FILES, intent=intent, existing_attachments=existing)
        if form.is_valid() and form.intent != "check":
            saved = _save(request, form, application)
            if saved is not None:
                if form.intent == "submit":
                    messages.success(request, f"申报 {saved.code} 已提交，办公室将进行初审。")
                    return redirect("awards:application_detail", pk=saved.pk)
                messages.success(request, f"草稿 {saved.code} 已保存。")
                return redirect("awards:application_edit", pk=saved.pk)
        panel = conclusion(enterprise, request.POST, exclude_id=exclude_id)
    else:
        initial = _initial(application) if application else {"reward_item": request.GET.get("item", "")}
        form = ApplicationForm(initial=initial)
        panel = conclusion(enterprise, initial, exclude_id=exclude_id)
    return render(
        request,
        "awards/application_form.html",
        {"form": form, "application": application, "enterprise": enterprise, **panel},
    )


@enterprise_required
def application_create(request: AuthenticatedRequest) -> HttpResponse:
    return _form_page(request)


@enterprise_required
def application_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = get_own_application(request.user, pk)
    if not application.is_editable:
        messages.error(request, f"该申报当前状态为“{application.get_status_display()}”，不能修改。")
        return redirect("awards:application_detail", pk=application.pk)
    return _form_page(request, application)


@require_POST
@enterprise_required
def application_check(request: AuthenticatedRequest) -> HttpResponse:
    """htmx: the system's conclusion for the values in the form, before anything is saved."""
    given = request.POST.get("application") or None
    exclude_id = None
    if given is not None:
        if not given.isdigit():
            return HttpResponseBadRequest("参数错误")
        exclude_id = get_own_application(request.user, given).pk
    panel = conclusion(_enterprise(request), request.POST, exclude_id=exclude_id)
    return render(request, "awards/partials/eligibility.html", panel)


@require_POST
@enterprise_required
def application_withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = get_own_application(request.user, pk)
    try:
        services.application_withdraw(
            application=application, by=request.user, reason=request.POST.get("reason", "")[:500]
        )
    except ValidationError as exc:
        show_error(request, exc)
    else:
        messages.success(request, f"申报 {application.code} 已撤回。")
    return redirect("awards:application_detail", pk=application.pk)


@require_POST
@enterprise_required
def attachment_delete(request: AuthenticatedRequest, pk: int, attachment_pk: int) -> HttpResponse:
    application = get_own_application(request.user, pk)
    attachment = get_object_or_404(application.attachments, pk=attachment_pk)
    try:
        services.attachment_remove(attachment=attachment, by=request.user)
    except ValidationError as exc:
        show_error(request, exc)
    else:
        messages.success(request, f"已删除材料“{attachment.original_name}”。")
    return redirect("awards:application_edit", pk=application.pk)


@enterprise_required
def my_enterprise(request: AuthenticatedRequest) -> HttpResponse:
    return redirect("awards:enterprise_detail", pk=request.user.enterprise_id)


@enterprise_required
def enterprise_edit(request: AuthenticatedRequest) -> HttpResponse:
    enterprise = _enterprise(request)
    initial = {f: getattr(enterprise, f) for f in ("address", "contact_person", "contact_phone")}
    form = EnterpriseContactForm(
        request.POST or None, request.FILES or None, initial=initial, verified=enterprise.is_verified
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_update_contact(enterprise=enterprise, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, "企业信息已更新。")
            return redirect("awards:enterprise_detail", pk=enterprise.pk)
    return render(request, "awards/enterprise_edit.html", {"form": form, "enterprise": enterprise})
