"""Excel both ways: templates down and up (preview, confirm), statistics import, xlsx exports."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import is_office, is_unit_user, office_required
from core.dates import table_date
from core.documents import XLSX_MIME, attachment_response, xlsx_response

from .. import exports, selectors
from ..excel import build_report_template, build_statistics_template
from ..forms import StatisticsImportForm, XlsxUploadForm
from ..models import ImportBatch, Plan, ReportingPeriod
from ..permissions import can_upload_template, get_batch_for_user, get_report_for_user, report_user_required
from ..services import (
    ImportRefused,
    ReportError,
    import_batch_discard,
    report_template_apply,
    report_template_preview,
    statistics_import_apply,
    statistics_import_preview,
)


def _run_preview(request, form, preview_of):
    """On POST: validate the upload form and preview the file; (preview or None, HTTP status)."""
    if request.method != "POST":
        return None, 200
    if form.is_valid():
        try:
            preview = preview_of(form.cleaned_data)
        except ImportRefused as exc:
            form.add_error("file", str(exc))
        else:
            return preview, 200 if preview.ok else 400
    return None, 400


@report_user_required
def report_template(request, pk):
    report = get_report_for_user(request.user, pk)
    target_lines = report.target_lines.select_related("target").order_by("target__order", "target_id")
    measure_lines = report.measure_lines.select_related("measure").order_by("measure__order", "measure_id")
    goal_lines = report.goal_lines.select_related("goal").order_by("goal__order", "goal_id")
    content = build_report_template(report, target_lines, measure_lines, goal_lines)
    filename = f"{report.unit}-{report.period.key}-进度报告模板.xlsx"
    return attachment_response(content, filename=filename, content_type=XLSX_MIME)


@report_user_required
def report_upload(request, pk):
    report = get_report_for_user(request.user, pk)
    if not can_upload_template(request.user, report):
        if not (is_unit_user(request.user) and request.user.member_unit_id == report.unit_id):
            # the office reads a unit's report; it fills one only in a back-filled period
            raise PermissionDenied("您没有权限为该单位导入报告模板。")
        messages.error(request, f"该报告{report.get_status_display()}，不能再导入模板。")
        return redirect(report)
    form = XlsxUploadForm(request.POST or None, request.FILES or None)
    preview, status = _run_preview(
        request,
        form,
        lambda data: report_template_preview(report=report, uploaded=data["file"], by=request.user),
    )
    if preview is not None and preview.ok:
        return redirect("targets:import_preview", pk=preview.batch.pk)
    return render(
        request,
        "targets/report_upload.html",
        {"report": report, "form": form, "preview": preview},
        status=status,
    )


def _batch_for(request, pk):
    batch = get_object_or_404(ImportBatch.objects.only("kind"), pk=pk)
    return get_batch_for_user(request.user, pk, kind=batch.kind)


@report_user_required
def import_preview(request, pk):
    batch = _batch_for(request, pk)
    return render(request, "targets/import_preview.html", {"batch": batch, "rows": batch.rows[:500]})


@report_user_required
@require_POST
def import_confirm(request, pk):
    batch = _batch_for(request, pk)
    if batch.status == ImportBatch.Status.APPLIED:
        return _already_applied(request, batch)
    try:
        if batch.kind == ImportBatch.Kind.REPORT_TEMPLATE:
            report = get_report_for_user(request.user, batch.report_id)
            if not can_upload_template(request.user, report):
                raise ReportError(f"该报告{report.get_status_display()}，不能再导入模板。")
            report_template_apply(batch=batch, by=request.user)
            if is_office(request.user):
                messages.success(request, "模板内容已导入，请核对后点击“补录并采纳”。")
            else:
                messages.success(request, "模板内容已导入为草稿，请核对后提交。")
            return redirect(report)
        if not request.user.is_office:
            raise PermissionDenied("只有办公室可以导入统计数据。")
        count = statistics_import_apply(batch=batch, by=request.user)
        messages.success(request, f"已导入 {count} 条统计数据，看板已更新。")
        return redirect("targets:dashboard")
    except ReportError as exc:
        batch.refresh_from_db(fields=["status", "applied_at"])
        if batch.status == ImportBatch.Status.APPLIED:  # a second click raced the first: show its result
            return _already_applied(request, batch)
        messages.error(request, str(exc))
        return redirect("targets:import_preview", pk=batch.pk)


def _already_applied(request, batch):
    """A second click on 确认导入 shows what the first did instead of an error."""
    messages.info(request, f"该文件已于 {table_date(batch.applied_at)} 导入，未重复导入。")
    if batch.kind == ImportBatch.Kind.REPORT_TEMPLATE:
        return redirect(batch.report)
    return redirect("targets:dashboard")


@report_user_required
@require_POST
def import_discard(request, pk):
    batch = _batch_for(request, pk)
    if import_batch_discard(batch=batch):
        messages.info(request, "已放弃本次导入，数据未作任何修改。")
    if batch.report_id:
        return redirect(batch.report)
    return redirect("targets:statistics_import")


@office_required
def statistics_import(request):
    history = request.GET.get("history") == "1"  # reached from 历史补录: past data by default
    form = StatisticsImportForm(
        request.POST or None,
        request.FILES or None,
        initial={"plan": selectors.current_plan(), "backfilled": history},
    )
    preview, status = _run_preview(
        request,
        form,
        lambda data: statistics_import_preview(
            plan=data["plan"],
            uploaded=data["file"],
            source=data["source"],
            by=request.user,
            backfilled=data["backfilled"],
        ),
    )
    if preview is not None and preview.ok:
        return redirect("targets:import_preview", pk=preview.batch.pk)
    recent = ImportBatch.objects.filter(kind=ImportBatch.Kind.STATISTICS).select_related(
        "uploaded_by", "plan"
    )[:10]
    return render(
        request,
        "targets/statistics_import.html",
        {"form": form, "preview": preview, "recent": recent, "plans": Plan.objects.all(), "history": history},
        status=status,
    )


@office_required
def statistics_template(request):
    plan_id = request.GET.get("plan", "")
    plan = get_object_or_404(Plan, pk=plan_id) if plan_id.isdigit() else selectors.current_plan()
    content = build_statistics_template(plan.targets.filter(active=True).order_by("order"))
    return attachment_response(content, filename=f"{plan.code}-统计数据导入模板.xlsx", content_type=XLSX_MIME)


@office_required
def import_file(request, pk):
    """The original file of an import (provenance), for the office."""
    from core.files import serve_protected_file

    batch = get_object_or_404(ImportBatch, pk=pk)
    return serve_protected_file(batch.file, filename=batch.original_name)


@office_required
def dashboard_export(request):
    plan_id = request.GET.get("plan", "")
    plan = get_object_or_404(Plan, pk=plan_id) if plan_id.isdigit() else selectors.current_plan()
    sheets = exports.dashboard_sheets(plan)
    return xlsx_response(sheets, f"{plan.code}-目标进度-{timezone.localdate():%Y%m%d}.xlsx")


@office_required
def period_export(request, pk):
    period = get_object_or_404(ReportingPeriod.objects.select_related("plan"), pk=pk)
    return xlsx_response(exports.period_sheets(period), f"{period.plan.code}-{period.key}-进度报告汇总.xlsx")
