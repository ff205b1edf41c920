"""The office's pages: review, 公示, objections, payment, enterprises, legacy records, settings."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import AuthenticatedRequest, approver_required, office_required
from core import import_views
from core.dates import cn_date
from core.documents import xlsx_response
from core.errors import show_error
from core.import_views import run_upload
from core.models import CalendarDay, SiteSetting
from core.workdays import statutory_calendar_known

from .. import selectors, services
from ..filters import ApplicationFilter, EnterpriseFilter, PublicityBatchFilter, RewardItemFilter
from ..forms import (
    CalendarDayForm,
    LegacyForm,
    ObjectionForm,
    ObjectionResolveForm,
    PaymentForm,
    PublishForm,
    ReviewForm,
    RewardItemForm,
    RhythmSettingsForm,
    SettingsForm,
    VerificationRefusalForm,
    XlsxUploadForm,
)
from ..models import Application, Enterprise, FundingPath, Objection, PublicityBatch, RewardItem
from ..permissions import applicant_or_office_required, get_application, get_enterprise
from ..services._changes import pending_change
from ..services.legacy import LegacyImporter
from .detail import detail_context

Status = Application.Status


# --- applications ------------------------------------------------------------------------------


def application_filterset(request: HttpRequest) -> ApplicationFilter:
    """The office's applications, filtered and sorted as the query string asks (page and export)."""
    qs = selectors.office_applications().order_by("-submitted_at", "-id")
    return ApplicationFilter(request.GET or None, queryset=qs)


def _unfiltered(filterset: ApplicationFilter) -> bool:
    """No filter asked for (a sort order is not one): the list is every filed case."""
    if not filterset.is_bound:
        return True
    return filterset.is_valid() and not any(
        value not in (None, "") for name, value in filterset.form.cleaned_data.items() if name != "o"
    )


@office_required
def office_applications(request: AuthenticatedRequest) -> HttpResponse:
    filterset = application_filterset(request)
    paginator = Paginator(filterset.qs.values(*selectors.APPLICATION_ROW_FIELDS), 25)
    counts = selectors.status_counts()
    # counted without the rows' joins and flags (the values' count would keep them: an EXISTS per row);
    # unfiltered, every filed case: the figure read with the counts above
    paginator.count = counts["filed"] if _unfiltered(filterset) else filterset.qs.count()
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "awards/office_applications.html",
        {"filter": filterset, "page_obj": page, "rows": selectors.application_rows(page), "counts": counts},
    )


@office_required
def office_applications_export(request: AuthenticatedRequest) -> HttpResponse:
    """The filtered list as xlsx, with the page's columns and words."""
    rows = [
        [
            a.code,
            a.enterprise.name,
            a.reward_item.name,
            a.reference,
            a.amount_yuan,
            a.funding_source_label,
            a.submitted_at,
            a.get_status_display(),
        ]
        for a in application_filterset(request).qs[:5000]
    ]
    headers = ["申报编号", "企业", "奖励项目", "编号", "核定金额（元）", "资金来源", "提交时间", "状态"]
    return xlsx_response([("申报", headers, rows)], f"奖励申报-{timezone.localdate():%Y%m%d}.xlsx")


def _act_on_detail(
    request: AuthenticatedRequest,
    application: Application,
    *,
    form: forms.BaseForm,
    form_key: str,
    action: Callable[[dict[str, Any]], object],
    success: str,
) -> HttpResponse:
    """POST from a form on the application page: run the service, or show the page again with errors."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, success)
            return redirect("awards:application_detail", pk=application.pk)
    context = detail_context(request, application, **{form_key: form})
    context[form_key] = form
    return render(request, "awards/application_detail.html", context, status=400)


def _review(request: AuthenticatedRequest, pk: int, *, second: bool) -> HttpResponse:
    application = get_application(request.user, pk)
    service = services.application_second_review if second else services.application_first_review
    return _act_on_detail(
        request,
        application,
        form=ReviewForm(request.POST, second=second),
        form_key="second_review_form" if second else "first_review_form",
        action=lambda data: service(
            application=application, by=request.user, decision=data["decision"], comment=data["comment"]
        ),
        success=f"{'复核' if second else '初审'}意见已提交：{application.code}。",
    )


@require_POST
@office_required
def first_review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _review(request, pk, second=False)


@require_POST
@approver_required
def second_review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _review(request, pk, second=True)


@require_POST
@office_required
def objection_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = get_application(request.user, pk)
    return _act_on_detail(
        request,
        application,
        form=ObjectionForm(request.POST),
        form_key="objection_form",
        action=lambda data: services.objection_record(application=application, by=request.user, **data),
        success="异议已登记。该申报在异议处理完成前不会进入拨付。",
    )


@require_POST
@office_required
def objection_resolve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    objection = get_object_or_404(Objection.objects.select_related("application"), pk=pk)
    return _act_on_detail(
        request,
        objection.application,
        form=ObjectionResolveForm(request.POST),
        form_key="resolve_form",
        action=lambda data: services.objection_resolve(
            objection=objection,
            by=request.user,
            upheld=data["outcome"] == "upheld",
            resolution=data["resolution"],
        ),
        success="异议处理结果已记录。",
    )


@office_required
def payment_record(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = get_application(request.user, pk)
    form = PaymentForm(
        request.POST or None,
        initial={"amount_yuan": application.amount_yuan, "paid_on": timezone.localdate()},
    )
    if application.status != Status.AWAITING_PAYMENT:
        messages.error(request, f"该申报当前状态为“{application.get_status_display()}”，不能登记拨付。")
        return redirect("awards:application_detail", pk=application.pk)
    if pending_change(application=application):
        messages.error(request, "该申报已有一笔拨付登记在等待审核人确认。")
        return redirect("awards:application_detail", pk=application.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.payment_record(application=application, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, f"{application.code} 的拨付已登记，待另一位办公室负责人确认后生效。")
            return redirect("awards:application_detail", pk=application.pk)
    return render(request, "awards/payment_form.html", {"form": form, "application": application})


# --- enterprises --------------------------------------------------------------------------------


@office_required
def enterprise_list(request: AuthenticatedRequest) -> HttpResponse:
    qs = Enterprise.objects.annotate(
        n=Count("applications", filter=~Q(applications__status=Status.DRAFT))
    ).order_by("verified_at", "-created_at")
    filterset = EnterpriseFilter(request.GET, queryset=qs)
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    state = filterset.form.cleaned_data.get("state") if filterset.is_valid() else "unverified"
    return render(
        request, "awards/enterprise_list.html", {"page_obj": page, "filter": filterset, "state": state}
    )


@applicant_or_office_required
def enterprise_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enterprise = get_enterprise(request.user, pk)
    applications = enterprise.applications.select_related("reward_item")
    if request.user.is_office:
        applications = applications.exclude(status=Status.DRAFT)
    return render(
        request,
        "awards/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "application_rows": selectors.enterprise_application_rows(applications.order_by("-id")[:50]),
            "users": enterprise.users.all(),
        },
    )


@require_POST
@office_required
def enterprise_verify(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enterprise = get_object_or_404(Enterprise, pk=pk)
    try:
        services.enterprise_verify(enterprise=enterprise, by=request.user)
    except ValidationError as exc:
        show_error(request, exc)
    else:
        messages.success(request, f"{enterprise.name} 已核验，其申报可以进入审核。")
    return redirect("awards:enterprise_detail", pk=enterprise.pk)


@office_required
@require_POST
def enterprise_refuse(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enterprise = get_object_or_404(Enterprise, pk=pk)
    form = VerificationRefusalForm(request.POST)
    if form.is_valid():
        try:
            services.enterprise_refuse_verification(
                enterprise=enterprise, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            show_error(request, exc)
        else:
            messages.success(request, f"已记录 {enterprise.name} 核验不通过，并通知企业补正。")
    else:
        messages.error(request, "；".join(str(e) for e in form.errors["reason"]))
    return redirect("awards:enterprise_detail", pk=enterprise.pk)


# --- 公示 ----------------------------------------------------------------------------------------


def _publishable() -> QuerySet[Application]:
    return (
        Application.objects.filter(status=Status.SECOND_PASSED)
        .select_related("enterprise", "reward_item")
        .order_by("second_reviewed_at", "id")
    )


@office_required
def publicity_manage(request: AuthenticatedRequest) -> HttpResponse:
    """The 公示 batches, filtered and sorted; publishing a new list is its own page."""
    today = timezone.localdate()
    batches = PublicityBatchFilter(request.GET or None, queryset=selectors.batches_with_counts(), today=today)
    page = Paginator(batches.qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "awards/publicity_manage.html",
        {
            "page_obj": page,
            "batch_rows": selectors.batch_rows(page, today=today),
            "filter": batches,
            "publishable": Application.objects.filter(status=Status.SECOND_PASSED).count(),
            "workdays": SiteSetting.get().publicity_workdays,
        },
    )


@office_required
def publicity_publish(request: AuthenticatedRequest) -> HttpResponse:
    """发布公示: choose among the applications that passed the second review, set the contact and the
    start day; the batch's 公示期 follows from the working-day calendar."""
    today = timezone.localdate()
    last = PublicityBatch.objects.order_by("-id").first()
    initial: dict[str, Any] = {"start_date": today}
    if last:
        initial.update(contact_phone=last.contact_phone, contact_address=last.contact_address)
    form = PublishForm(request.POST or None, queryset=_publishable(), initial=initial)
    candidates = selectors.publishable_rows(
        _publishable(), checked=set(form["applications"].value() or ()) if form.is_bound else None
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = services.publicity_publish(
                applications=list(data["applications"]),
                start_date=data["start_date"],
                by=request.user,
                contact_phone=data["contact_phone"],
                contact_address=data["contact_address"],
                note=data["note"],
            )
        except ValidationError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, f"已发布《{batch.title}》，公示期至 {cn_date(batch.end_date)}。")
            return redirect("awards:publicity_batch", pk=batch.pk)
    return render(
        request,
        "awards/publicity_publish.html",
        {
            "form": form,
            "candidates": candidates,
            "workdays": SiteSetting.get().publicity_workdays,
            "window_end": services.publicity_window(today),
        },
    )


# --- legacy records ------------------------------------------------------------------------------


@office_required
def legacy_create(request: AuthenticatedRequest) -> HttpResponse:
    form = LegacyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        row = services.LegacyRow(
            row_number=0,
            credit_code=data["credit_code"],
            enterprise_name=data["enterprise_name"],
            reward_code=data["reward_item"].code,
            award_date=data["award_date"],
            reference=data["reference"],
            issuing_body=data["issuing_body"],
            amount_yuan=data["amount_yuan"],
            paid_on=data["paid_on"],
            voucher_number=data["voucher_number"],
            note=data["note"],
            approval_number=data["approval_number"],
            approval_date=data["approval_date"],
            tier=data.get("tier", ""),
        )
        try:
            services.legacy_record(row=row, by=request.user, source="办公室逐条录入")
        except ValidationError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, "历史兑现记录已登记，待另一位办公室负责人确认后录入。")
            return redirect("awards:money_changes")
    return render(request, "awards/legacy_form.html", {"form": form})


@office_required
def legacy_import(request: AuthenticatedRequest) -> HttpResponse:
    form = XlsxUploadForm(request.POST or None, request.FILES or None)
    done, preview, status = run_upload(request, form, kind=LegacyImporter.kind)
    if done:
        return done
    return render(request, "awards/legacy_import.html", {"form": form, "preview": preview}, status=status)


@require_POST
@office_required
def legacy_import_confirm(request: AuthenticatedRequest) -> HttpResponse:
    """The confirm button of the first version of this page: the office member's latest import."""
    return import_views.confirm_latest(request, kind=LegacyImporter.kind, upload_url="awards:legacy_import")


# --- schedule, 公示 length and calendar ----------------------------------------------------------


@office_required
def reward_items(request: AuthenticatedRequest) -> HttpResponse:
    items = RewardItem.objects.select_related("funding_source").order_by("order", "id")
    filterset = RewardItemFilter(request.GET or None, queryset=items)
    paths = FundingPath.objects.select_related("source").prefetch_related("steps")
    return render(
        request, "awards/reward_items.html", {"items": filterset.qs, "filter": filterset, "paths": paths}
    )


@office_required
def reward_item_edit(request: AuthenticatedRequest, code: str) -> HttpResponse:
    item = get_object_or_404(RewardItem, code=code)
    initial = {
        f: getattr(item, f)
        for f in ("amount_yuan", "funding_source", "provisional", "active", "effective_from")
    }
    form = RewardItemForm(request.POST or None, initial=initial)
    pending = pending_change(reward_item=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.reward_item_update(item=item, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, f"奖励项目“{item.name}”的修改已登记，待另一位办公室负责人确认后生效。")
            return redirect("awards:reward_items")
    history = item.history.select_related("history_user").order_by("-history_date")[:30]
    context = {
        "form": form,
        "item": item,
        "history": history,
        "pending": pending,
        "amounts": item.amounts.order_by("valid_from"),
    }
    return render(request, "awards/reward_item_form.html", context)


@office_required
def office_settings(request: AuthenticatedRequest) -> HttpResponse:
    setting = SiteSetting.get()
    settings_form = SettingsForm(
        request.POST if request.POST.get("form") == "settings" else None,
        initial={
            "publicity_workdays": setting.publicity_workdays,
            "review_service_limit_workdays": setting.review_service_limit_workdays,
        },
    )
    rhythm_form = RhythmSettingsForm(
        request.POST if request.POST.get("form") == "rhythm" else None,
        initial={name: getattr(setting, name) for name in RhythmSettingsForm.base_fields},
    )
    day_form = CalendarDayForm(request.POST if request.POST.get("form") == "day" else None)
    if rhythm_form.is_bound and rhythm_form.is_valid():
        try:
            changed = services.reporting_settings_update(by=request.user, **rhythm_form.cleaned_data)
        except ValidationError as exc:
            show_error(request, exc, form=rhythm_form)
        else:
            if changed:
                messages.success(request, "报送周期与提醒设置已保存，计划任务已按新设置调整。")
            else:
                messages.info(request, "报送周期与提醒设置没有变化。")
            return redirect("awards:office_settings")
    if settings_form.is_bound and settings_form.is_valid():
        try:
            services.publicity_settings_update(by=request.user, **settings_form.cleaned_data)
        except ValidationError as exc:
            show_error(request, exc, form=settings_form)
        else:
            messages.success(request, "设置已保存，新的公示期适用于此后发布的公示。")
            return redirect("awards:office_settings")
    if day_form.is_bound and day_form.is_valid():
        services.calendar_day_set(by=request.user, **day_form.cleaned_data)
        messages.success(request, "工作日历已更新。")
        return redirect("awards:office_settings")
    today = timezone.localdate()
    years = [today.year + offset for offset in range(0, 3)]
    days = CalendarDay.objects.filter(date__year__gte=today.year - 1).order_by("date")[:200]
    return render(
        request,
        "awards/office_settings.html",
        {
            "settings_form": settings_form,
            "rhythm_form": rhythm_form,
            "rhythm_history": setting.history.select_related("history_user").order_by("-history_date")[:10],
            "day_form": day_form,
            "days": days,
            "known": [(year, statutory_calendar_known(year)) for year in years],
        },
    )


@require_POST
@office_required
def calendar_day_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(CalendarDay, pk=pk)
    services.calendar_day_remove(by=request.user, entry=entry)
    messages.success(request, f"已删除 {cn_date(entry.date)} 的调整。")
    return redirect("awards:office_settings")
