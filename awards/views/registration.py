"""The office rejects or reassigns registrations; a company whose code is taken asks for a review."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from accounts.models import User
from accounts.permissions import AuthenticatedRequest, office_required
from core.clientip import ratelimit_key
from core.errors import show_error
from core.files import serve_protected_file

from ..filters import RegistrationReviewFilter
from ..forms import ReasonForm, ReviewRequestForm
from ..models import Enterprise, RegistrationReview
from ..services import registration as services


def _reason_or_back(request: HttpRequest) -> str | None:
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写理由（不超过 300 字，不含控制字符），将告知当事人。")
        return None
    return form.cleaned_data["reason"]


@require_POST
@office_required
def enterprise_reject(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enterprise = get_object_or_404(Enterprise, pk=pk)
    reason = _reason_or_back(request)
    if reason is not None:
        try:
            services.enterprise_reject(enterprise=enterprise, reason=reason, by=request.user)
        except ValidationError as exc:
            show_error(request, exc)
        else:
            messages.success(
                request, f"已驳回 {enterprise.name} 的注册，并已通知注册人。该统一社会信用代码可重新注册。"
            )
    return redirect(enterprise)


@require_POST
@office_required
def enterprise_unbind(request: AuthenticatedRequest, pk: int, user_pk: int) -> HttpResponse:
    enterprise = get_object_or_404(Enterprise, pk=pk)
    account = get_object_or_404(User, pk=user_pk, enterprise=enterprise)
    reason = _reason_or_back(request)
    if reason is not None:
        try:
            services.enterprise_unbind_user(
                enterprise=enterprise, user=account, reason=reason, by=request.user
            )
        except ValidationError as exc:
            show_error(request, exc)
        else:
            messages.success(
                request, f"已解除账户“{account.username}”与 {enterprise.name} 的绑定，该账户已停用。"
            )
    return redirect(enterprise)


@ratelimit(key=ratelimit_key, rate=settings.REGISTRATION_RATE, method="POST", block=True)
def review_request(request: HttpRequest) -> HttpResponse:
    form = ReviewRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.review_request_submit(
                credit_code=data["credit_code"],
                company_name=data["name"],
                contact_person=data["contact_person"],
                contact_phone=data["contact_phone"],
                explanation=data["explanation"],
                licence=data["licence"],
                username=data["username"],
                password=data["password1"],
                full_name=data["full_name"],
                phone=data["phone"],
                email=data["email"],
            )
        except ValidationError as exc:
            show_error(request, exc, form=form)
        else:
            return render(request, "awards/review_request_done.html", {"name": data["name"]})
    return render(request, "awards/review_request.html", {"form": form})


@office_required
def review_list(request: AuthenticatedRequest) -> HttpResponse:
    reviews = RegistrationReview.objects.select_related("enterprise").order_by("-created_at", "-id")
    filterset = RegistrationReviewFilter(request.GET or None, queryset=reviews)
    page = Paginator(filterset.qs, 30).get_page(request.GET.get("page"))
    return render(request, "awards/review_list.html", {"page_obj": page, "filter": filterset})


@office_required
def review_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(RegistrationReview.objects.select_related("enterprise", "requester"), pk=pk)
    if request.method == "POST":
        form = ReasonForm(request.POST)
        action = request.POST.get("action")
        if form.is_valid() and action in ("assign", "decline"):
            decide = services.review_assign if action == "assign" else services.review_decline
            try:
                decide(review=review, note=form.cleaned_data["reason"], by=request.user)
            except ValidationError as exc:
                show_error(request, exc, level=messages.INFO)  # a second click: shows what was decided
            else:
                messages.success(request, "已处理该注册核查申请。")
            return redirect(review)
        messages.error(request, "请填写处理意见（不超过 300 字）。")
    holders = review.enterprise.users.filter(is_active=True)
    return render(request, "awards/review_detail.html", {"review": review, "holders": holders})


@office_required
def review_licence(request: AuthenticatedRequest, pk: int) -> FileResponse:
    review = get_object_or_404(RegistrationReview, pk=pk)
    suffix = review.licence.name[review.licence.name.rfind(".") :] if "." in review.licence.name else ""
    return serve_protected_file(
        review.licence, filename=f"{review.company_name}-营业执照{suffix}", inline=True
    )
