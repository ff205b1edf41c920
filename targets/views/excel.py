"""Excel both ways: templates down and up (preview, confirm), statistics import, xlsx exports."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.permissions import AuthenticatedRequest, is_unit_user, office_required
from core.documents import XLSX_MIME, attachment_response, xlsx_response
from core.files import serve_protected_file
from core.import_views import run_upload
from core.models import ImportBatch

from .. import exports, selectors
from ..excel import build_report_template, build_statistics_template
from ..forms import StatisticsImportForm, XlsxUploadForm
from ..models import Plan, ReportingPeriod
from ..permissions import can_upload_template, get_report_for_user, report_user_required
from ..services.imports import REPORT_TEMPLATE, STATISTICS


@report_user_required
def report_template(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk)
    target_lines = report.target_lines.select_related("target").order_by("target__order", "target_id")
    measure_lines = report.measure_lines.select_related("measure").order_by("measure__order", "measure_id")
    goal_lines = report.goal_lines.select_related("goal").order_by("goal__order", "goal_id")
    content = build_report_template(report, target_lines, measure_lines, goal_lines)
    filename = f"{report.unit}-{report.period.key}-进度报告模板.xlsx"
    return attachment_response(content, filename=filename, content_type=XLSX_MIME)


@report_user_required
def report_upload(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk)
    if not can_upload_template(request.user, report):
        if not (is_unit_user(request.user) and request.user.member_unit_id == report.unit_id):
            # the office reads a unit's report; it fills one only in a back-filled period
            raise PermissionDenied("您没有权限为该单位导入报告模板。")
        messages.error(request, f"该报告{report.get_status_display()}，不能再导入模板。")
        return redirect(report)
    form = XlsxUploadForm(request.POST or None, request.FILES or None)
    done, preview, status = run_upload(request, form, kind=REPORT_TEMPLATE, params={"report": report.pk})
    if done:
        return done
    return render(
        request,
        "targets/report_upload.html",
        {"report": report, "form": form, "preview": preview},
        status=status,
    )


@office_required
def statistics_import(request: AuthenticatedRequest) -> HttpResponse:
    history = request.GET.get("history") == "1"  # reached from 历史补录: past data by default
    form = StatisticsImportForm(
        request.POST or None,
        request.FILES or None,
        initial={"plan": selectors.current_plan(), "backfilled": history},
    )
    done, preview, status = run_upload(
        request,
        form,
        kind=STATISTICS,
        params=lambda data: {
            "plan": data["plan"].pk,
            "source": data["source"],
            "backfilled": data["backfilled"],
            "today": timezone.localdate().isoformat(),
        },
    )
    if done:
        return done
    recent = ImportBatch.objects.filter(kind=STATISTICS).select_related("uploaded_by")[:10]
    return render(
        request,
        "targets/statistics_import.html",
        {"form": form, "preview": preview, "recent": recent, "plans": Plan.objects.all(), "history": history},
        status=status,
    )


@office_required
def statistics_template(request: AuthenticatedRequest) -> HttpResponse:
    plan_id = request.GET.get("plan", "")
    plan = get_object_or_404(Plan, pk=plan_id) if plan_id.isdigit() else selectors.current_plan()
    if plan is None:
        raise Http404("尚未建立规划")
    content = build_statistics_template(plan.targets.filter(active=True).order_by("order"))
    return attachment_response(content, filename=f"{plan.code}-统计数据导入模板.xlsx", content_type=XLSX_MIME)


@office_required
def import_file(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """The original file of an import (provenance), for the office."""
    batch = get_object_or_404(ImportBatch, pk=pk)
    return serve_protected_file(batch.file, filename=batch.original_name)


@office_required
def dashboard_export(request: AuthenticatedRequest) -> HttpResponse:
    plan_id = request.GET.get("plan", "")
    plan = get_object_or_404(Plan, pk=plan_id) if plan_id.isdigit() else selectors.current_plan()
    if plan is None:
        raise Http404("尚未建立规划")
    sheets = exports.dashboard_sheets(plan)
    return xlsx_response(sheets, f"{plan.code}-目标进度-{timezone.localdate():%Y%m%d}.xlsx")


@office_required
def period_export(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    period = get_object_or_404(ReportingPeriod.objects.select_related("plan"), pk=pk)
    return xlsx_response(exports.period_sheets(period), f"{period.plan.code}-{period.key}-进度报告汇总.xlsx")
