"""报请 batches: group applications 待拨付 per funding source, the 请示 in Word, the reply."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.permissions import AuthenticatedRequest, office_required
from core.documents import docx_response
from core.errors import show_error

from .. import services
from ..documents import funding_request_document
from ..filters import FundingRequestFilter
from ..forms import FundingReplyForm, FundingRequestForm
from ..models import Application, FundingRequest, MoneyChange


def _candidates() -> QuerySet[Application]:
    """Applications 待拨付 in no live batch, by funding source."""
    return (
        Application.objects.filter(status=Application.Status.AWAITING_PAYMENT, is_legacy=False)
        .exclude(funding_items__live=True)
        .select_related("enterprise", "reward_item", "funding_source")
        .order_by("funding_source", "reward_item__order", "id")
    )


@office_required
def funding_requests(request: AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    candidates = _candidates()
    form = FundingRequestForm(request.POST or None, queryset=candidates, initial={"requested_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.funding_request_create(
                applications=list(form.cleaned_data["applications"]),
                by=request.user,
                requested_on=form.cleaned_data["requested_on"],
            )
        except ValidationError as exc:
            show_error(request, exc, form=form)
        else:
            if batch.state == FundingRequest.State.OVER_BUDGET:
                messages.warning(request, batch.budget_note)
            else:
                messages.success(request, f"已建立《{batch.title}》，请导出请示报送。")
            return redirect(batch)
    filterset = FundingRequestFilter(
        request.GET or None,
        queryset=FundingRequest.objects.select_related("funding_source").order_by("-requested_on", "-id"),
    )
    page = Paginator(filterset.qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "awards/funding_requests.html",
        {"form": form, "candidates": candidates, "page_obj": page, "filter": filterset},
    )


def _pending(batch: FundingRequest, kind: str) -> MoneyChange | None:
    return (
        MoneyChange.objects.filter(kind=kind, state=MoneyChange.State.PENDING, payload__request_id=batch.pk)
        .select_related("made_by")
        .first()
    )


@office_required
def funding_request(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(
        FundingRequest.objects.select_related("created_by", "budget_confirmed_by", "funding_source"), pk=pk
    )
    items = list(
        batch.items.filter(live=True).select_related("application__enterprise", "application__reward_item")
        if batch.state != FundingRequest.State.CANCELLED
        else batch.items.select_related("application__enterprise", "application__reward_item")
    )
    form = FundingReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.funding_reply_record(
                request=batch,
                by=request.user,
                reply_number=form.cleaned_data["reply_number"],
                reply_date=form.cleaned_data["reply_date"],
                decisions=form.decisions(items),
            )
        except ValidationError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, "批复已登记，待另一位办公室负责人确认后生效。")
            return redirect(batch)
    return render(
        request,
        "awards/funding_request.html",
        {
            "batch": batch,
            "items": items,
            "form": form,
            "posted": request.POST,
            "pending_reply": _pending(batch, MoneyChange.Kind.FUNDING_REPLY),
            "pending_budget": _pending(batch, MoneyChange.Kind.OVER_BUDGET),
        },
    )


@office_required
def funding_request_docx(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(FundingRequest, pk=pk)
    items = list(
        batch.items.filter(live=True).select_related("application__enterprise", "application__reward_item")
    )
    return docx_response(funding_request_document(batch, items), f"{batch.title}.docx")
