"""Periods (office), the member unit's report (fill, save, submit), review (return, accept), history."""

from collections.abc import Iterable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_POST

from accounts.permissions import AuthenticatedRequest, is_office, is_unit_user, office_required
from core.documents import xlsx_response
from core.errors import show_error
from core.fields import form_field
from core.files import serve_protected_file
from core.markup import url_pattern
from core.storage import StorageUnavailable
from core.upload_errors import STORAGE_FAILED_STATUS, show_upload_error

from .. import selectors
from ..excel import SOURCE_CHOICES
from ..filters import PeriodFilter, ReportFilter
from ..forms import HistoryPeriodForm, OpenPeriodForm, ReportForm, ReturnForm
from ..history import report_changes
from ..models import Plan, Report, ReportGoalLine, ReportingPeriod, ReportMeasureLine, ReportTargetLine
from ..permissions import (
    can_backfill_report,
    can_edit_report,
    get_line_for_user,
    get_report_for_user,
    report_user_required,
    visible_reports,
)
from ..rows import period_rows, report_rows, timeliness_rows
from ..services import (
    ReportError,
    missing_for_submission,
    period_open,
    report_accept,
    report_backfill,
    report_return,
    report_save,
    report_submit,
)
from ..services.imports import cumulative_floors

Lines = tuple[list[ReportTargetLine], list[ReportMeasureLine], list[ReportGoalLine]]


def _listed(periods: Iterable[ReportingPeriod]) -> list[ReportingPeriod]:
    """The periods of the list with their report counts and links (one URL reverse each, not per row)."""
    periods = list(periods)
    counts = selectors.period_status_counts(periods)
    detail_url = url_pattern("targets:period_detail")
    export_url = url_pattern("targets:period_export")
    for period in periods:
        period.counts = counts.get(period.pk, {})
        period.url, period.export_url = detail_url % period.pk, export_url % period.pk
    return periods


@office_required
def period_list(request: AuthenticatedRequest) -> HttpResponse:
    every_plan = list(Plan.objects.all())  # the current one, and the choices of both plan selects
    filterset = PeriodFilter(
        request.GET,
        queryset=ReportingPeriod.objects.order_by("-year", "-half"),
        default_plan=selectors.current_plan(every_plan),
    )
    plan = filterset.chosen_plan
    periods = _listed(filterset.qs.filter(plan=plan)) if plan else []
    today = timezone.localdate()
    form = OpenPeriodForm(initial={"plan": plan, "year": today.year, "half": 1 if today.month <= 6 else 2})
    # both plan selects offer every plan: read them once (a ModelChoiceField's select reads its queryset
    # each time it is rendered, and once more to decide on its required attribute; the queryset still
    # validates what is posted)
    plans = [(p.pk, str(p)) for p in every_plan]
    for plan_form in (filterset.form, form):
        widget = form_field(plan_form, "plan", forms.ModelChoiceField).widget
        assert isinstance(widget, forms.Select)
        widget.choices = plans
    return render(
        request,
        "targets/period_list.html",
        {"plan": plan, "filter": filterset, "periods": periods, "rows": period_rows(periods), "form": form},
    )


@office_required
@require_POST
def period_open_view(request: AuthenticatedRequest) -> HttpResponse:
    form = OpenPeriodForm(request.POST)
    if not form.is_valid():
        plan = form.cleaned_data.get("plan") or selectors.current_plan()
        periods = _listed(ReportingPeriod.objects.filter(plan=plan)) if plan else []
        filterset = PeriodFilter({"plan": plan.pk} if plan else {}, default_plan=plan)
        return render(
            request,
            "targets/period_list.html",
            {
                "plan": plan,
                "filter": filterset,
                "periods": periods,
                "rows": period_rows(periods),
                "form": form,
            },
            status=400,
        )
    data = form.cleaned_data
    try:
        period, created = period_open(
            plan=data["plan"],
            year=data["year"],
            half=data["half"],
            due_date=data.get("due_date"),
            by=request.user,
            today=timezone.localdate(),
        )
    except ReportError as exc:
        show_error(request, exc)
        return redirect(reverse("targets:period_list") + f"?plan={data['plan'].pk}")
    if created:
        messages.success(request, f"已开放{period}报送，新建 {created} 份单位报告。")
    else:
        messages.info(request, f"{period}已开放，没有需要新建的报告。")
    return redirect(period)


@office_required
def period_history(request: AuthenticatedRequest) -> HttpResponse:
    """历史补录：往期进度报告 — open a past half year as a 补录期次 (the office fills its reports)."""
    plan = selectors.current_plan()
    form = HistoryPeriodForm(request.POST or None, initial={"plan": plan})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            period, created = period_open(
                plan=data["plan"],
                year=data["year"],
                half=data["half"],
                by=request.user,
                backfilled=True,
            )
        except ReportError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已开放补录期次{period}，新建 {created} 份单位报告，请逐份补录。")
            return redirect(period)
    periods = _listed(
        ReportingPeriod.objects.filter(backfilled=True).select_related("plan").order_by("-year", "-half")
    )
    return render(
        request,
        "targets/period_history.html",
        {"form": form, "periods": periods},
        status=400 if form.errors else 200,
    )


@office_required
def period_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    period = get_object_or_404(ReportingPeriod.objects.select_related("plan"), pk=pk)
    table = selectors.period_timeliness(period=period)
    tally: dict[str, int] = {}
    for row in table:
        tally[row["timeliness"]] = tally.get(row["timeliness"], 0) + 1
        tally["status_" + row["status"]] = tally.get("status_" + row["status"], 0) + 1
    rows = timeliness_rows(table, backfilled=period.backfilled)
    return render(
        request,
        "targets/period_detail.html",
        {"period": period, "table": table, "rows": rows, "tally": tally},
    )


def report_filterset(request: AuthenticatedRequest) -> ReportFilter:
    """The reports the user may see, filtered and sorted as the query string asks (page and export)."""
    reports = visible_reports(request.user).order_by("-period__year", "-period__half", "unit__order")
    return ReportFilter(request.GET or None, queryset=reports, unit_choice=is_office(request.user))


@office_required
def report_list_export(request: AuthenticatedRequest) -> HttpResponse:
    """The filtered list as xlsx: the same rows, columns and words as the page."""
    reports = report_filterset(request).qs[:5000]
    today = timezone.localdate()
    rows = []
    for r in reports:
        cell = selectors.matrix_cell(r, today)
        rows.append(
            [
                str(r.period),
                r.period.plan.name,
                r.unit.name,
                r.get_status_display(),
                cell["timeliness_label"] if cell else "",
                r.period.due_date,
                r.first_submitted_at,
            ]
        )
    headers = ["期次", "规划", "单位", "状态", "报送情况", "报送截止", "首次提交"]
    return xlsx_response([("进度报告", headers, rows)], f"进度报告-{today:%Y%m%d}.xlsx")


@report_user_required
def report_list(request: AuthenticatedRequest) -> HttpResponse:
    """Member units: their own reports. The office: every report, filterable, paginated."""
    filterset = report_filterset(request)
    page = Paginator(filterset.qs.values(*selectors.REPORT_ROW_FIELDS), 30).get_page(request.GET.get("page"))
    office = is_office(request.user)
    return render(
        request,
        "targets/report_list.html",
        {
            "page_obj": page,
            "rows": report_rows(page, timezone.localdate(), is_office=office),
            "filter": filterset,
            "is_office": office,
        },
    )


def _lines(report: Report) -> Lines:
    target_lines = report.target_lines.select_related("target").order_by("target__order", "target_id")
    measure_lines = report.measure_lines.select_related("measure").order_by("measure__order", "measure_id")
    goal_lines = report.goal_lines.select_related("goal").order_by("goal__order", "goal_id")
    return list(target_lines), list(measure_lines), list(goal_lines)


def _report_form(
    report: Report,
    data: QueryDict | None = None,
    files: MultiValueDict[str, UploadedFile] | None = None,
    *,
    lines: Lines,
) -> ReportForm:
    target_lines, measure_lines, goal_lines = lines
    return ReportForm(
        data,
        files,
        report=report,
        target_lines=target_lines,
        measure_lines=measure_lines,
        goal_lines=goal_lines,
        floors=cumulative_floors(report),
    )


@report_user_required
def report_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk)
    user = request.user
    editable = can_edit_report(user, report)
    form: ReportForm | None
    backfill = can_backfill_report(user, report)
    lines = _lines(report)
    if request.method == "POST":
        if not (editable or backfill):
            if is_unit_user(user) and user.member_unit_id == report.unit_id:
                messages.error(request, f"该报告{report.get_status_display()}，不能修改。")
                return redirect(report)
            raise PermissionDenied("您没有权限修改该报告。")
        form = _report_form(report, request.POST, request.FILES, lines=lines)
        if form.is_valid():
            try:
                if backfill:
                    report_backfill(report=report, by=user, data=form.to_input())
                    messages.success(request, "已补录并采纳该报告。")
                    return redirect(report)
                report_save(report=report, by=user, data=form.to_input())
                if request.POST.get("action") == "submit":
                    report_submit(report=report, by=user)
                    messages.success(request, "报告已提交，等待办公室审核。")
                else:
                    messages.success(request, "已保存草稿。")
                return redirect(report)
            except ReportError as exc:
                show_error(request, exc)
                return redirect(report)
            except StorageUnavailable as exc:  # the evidence could not be stored: nothing was saved
                show_upload_error(form, exc)
            status = STORAGE_FAILED_STATUS  # the page again, with what was typed
        else:
            messages.error(request, "填写有误，请按提示修改后再保存。")
            status = 400
    else:
        form = _report_form(report, lines=lines) if (editable or backfill) else None
        status = 200
    target_lines, measure_lines, goal_lines = lines
    return render(
        request,
        "targets/report_detail.html",
        {
            "report": report,
            "form": form,
            "editable": editable,
            "backfill": backfill,
            "target_lines": target_lines,
            "measure_lines": measure_lines,
            "goal_lines": goal_lines,
            "gaps": missing_for_submission(report) if editable else [],
            "return_form": ReturnForm() if is_office(user) else None,
            "is_office": is_office(user),
            "timeliness": Report.Timeliness(report.timeliness()).label,
            "source_choices": SOURCE_CHOICES,
            "followups": selectors.open_followups(unit_id=report.unit_id),
        },
        status=status,
    )


@report_user_required
@require_POST
def report_submit_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk)
    if not (is_unit_user(request.user) and request.user.member_unit_id == report.unit_id):
        raise PermissionDenied("只有本单位用户可以提交报告。")
    try:
        report_submit(report=report, by=request.user)
    except ReportError as exc:
        show_error(request, exc)
    else:
        messages.success(request, "报告已提交，等待办公室审核。")
    return redirect(report)


@office_required
@require_POST
def report_return_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(Report, pk=pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "退回时必须填写退回意见：" + "；".join(str(e) for errs in form.errors.values() for e in errs),
        )
        return redirect(report)
    try:
        report_return(report=report, by=request.user, comment=form.cleaned_data["comment"])
    except ReportError as exc:
        show_error(request, exc)
    else:
        messages.success(request, f"已退回{report.unit}的报告。")
    return redirect(report)


@office_required
@require_POST
def report_accept_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(Report, pk=pk)
    try:
        report_accept(report=report, by=request.user)
    except ReportError as exc:
        show_error(request, exc)
    else:
        messages.success(request, f"已采纳{report.unit}的报告，看板已更新。")
    return redirect(report)


@report_user_required
def report_history(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk)
    entries = report_changes(report)
    return render(request, "targets/report_history.html", {"report": report, "entries": entries})


@report_user_required
def evidence_download(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    line = get_line_for_user(request.user, pk)
    return serve_protected_file(line.evidence, filename=line.evidence_name or None)
