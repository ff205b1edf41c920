"""One application, seen by its enterprise or by the office, with the actions each may take."""

from typing import Any, cast

from django import forms
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.permissions import AuthenticatedRequest, is_approver, is_office
from core.files import serve_protected_file

from .. import selectors, services
from ..forms import FindingRulingForm, ObjectionForm, ObjectionResolveForm, ReviewForm
from ..models import Application
from ..permissions import applicant_or_office_required, get_application, get_attachment, get_enterprise
from ..services._changes import pending_change

Status = Application.Status


def detail_context(
    request: AuthenticatedRequest, application: Application, **forms_in_error: forms.BaseForm
) -> dict[str, Any]:
    user = request.user
    office = is_office(user)
    context = {
        "application": application,
        "events": selectors.timeline(application),
        "attachments": application.attachments.all(),
        "is_office_view": office,
        "today": timezone.localdate(),
        "funding_progress": services.funding_progress(application),
    }
    if office:
        context["objections"] = application.objections.select_related("recorded_by", "resolved_by")
        context["findings"] = list(selectors.application_findings(application))
        context["can_rule"] = context["can_check"] = is_approver(user)
        context["pending_change"] = pending_change(application=application)
        context["ruling_choices"] = cast(forms.ChoiceField, FindingRulingForm.base_fields["ruling"]).choices
        if application.status == Status.SUBMITTED:
            context["first_review_form"] = forms_in_error.get("first_review_form") or ReviewForm()
        if application.status == Status.FIRST_PASSED and is_approver(user):
            if application.first_reviewed_by_id == user.pk:
                context["same_reviewer"] = True
            else:
                context["second_review_form"] = forms_in_error.get("second_review_form") or ReviewForm(
                    second=True
                )
        if application.status == Status.PUBLICITY:
            context["objection_form"] = forms_in_error.get("objection_form") or ObjectionForm(
                initial={"received_on": timezone.localdate()}
            )
            context["resolve_form"] = forms_in_error.get("resolve_form") or ObjectionResolveForm()
    return context


@applicant_or_office_required
def application_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = get_application(request.user, pk)
    return render(request, "awards/application_detail.html", detail_context(request, application))


@applicant_or_office_required
def attachment_download(request: AuthenticatedRequest, pk: int, attachment_pk: int) -> FileResponse:
    attachment = get_attachment(request.user, pk, attachment_pk)
    return serve_protected_file(attachment.file, filename=attachment.original_name, inline=True)


@applicant_or_office_required
def enterprise_licence(request: AuthenticatedRequest, pk: int) -> FileResponse:
    enterprise = get_enterprise(request.user, pk)
    return serve_protected_file(
        enterprise.licence, filename=f"{enterprise.name}-营业执照{_ext(enterprise.licence.name)}", inline=True
    )


def _ext(name: str) -> str:
    return name[name.rfind(".") :] if "." in (name or "") else ""
