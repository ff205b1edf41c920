from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_celery_beat.models import PeriodicTask

from accounts.permissions import AuthenticatedRequest, office_required
from core.files import serve_protected_file

from . import selectors, services
from .forms import CrontabScheduleForm, IntervalScheduleForm, ReportBuildForm
from .models import HalfYearReport
from .schedules import declared


@office_required
def index(request: HttpRequest) -> HttpResponse:
    return redirect("scheduler:reports")


@office_required
def report_list(request: HttpRequest) -> HttpResponse:
    reports = selectors.report_list()
    built = {r.key for r in reports}
    buildable = services.buildable_halves(today=timezone.localdate())
    return render(
        request,
        "scheduler/report_list.html",
        {"reports": reports, "buildable": buildable, "unbuilt": [h for h in buildable if h.key not in built]},
    )


@office_required
def report_detail(request: HttpRequest, key: str) -> HttpResponse:
    report = get_object_or_404(HalfYearReport.objects.select_related("built_by", "xlsx", "docx"), key=key)
    return render(request, "scheduler/report_detail.html", {"report": report, "figures": report.figures})


@office_required
def report_download(request: HttpRequest, key: str, fmt: str) -> HttpResponseBase:
    report = get_object_or_404(HalfYearReport.objects.select_related("xlsx", "docx"), key=key)
    if fmt not in ("xlsx", "docx"):
        raise Http404("文件不存在")
    document = getattr(report, fmt)
    if document is None:
        raise Http404("文件不存在")
    return serve_protected_file(document.file, filename=f"{report.title}.{fmt}")


@require_POST
@office_required
def report_build(request: AuthenticatedRequest) -> HttpResponse:
    form = ReportBuildForm(request.POST, buildable=services.buildable_halves(today=timezone.localdate()))
    if not form.is_valid():
        for error in form.errors.get("key", ["请选择要生成报告的半年度。"]):
            messages.error(request, str(error))  # the message: ErrorList yields strings
        return redirect("scheduler:reports")
    half = form.cleaned_data["key"]
    report = services.half_year_report_build(half=half, by=request.user)
    messages.success(request, f"已生成《{report.title}》（第 {report.build_count} 次生成）。")
    return redirect(report)


@office_required
def schedule_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "scheduler/schedule_list.html",
        {"rows": selectors.schedule_rows(), "changes": selectors.recent_schedule_changes()},
    )


def _schedule_form(
    task: PeriodicTask, data: QueryDict | None = None
) -> IntervalScheduleForm | CrontabScheduleForm:
    if task.interval_id:
        initial = {"enabled": task.enabled, "every_seconds": task.interval.every}
        return IntervalScheduleForm(data, initial=initial)
    c = task.crontab
    initial = {"enabled": task.enabled}
    if c is not None:
        initial.update(
            minute=c.minute,
            hour=c.hour,
            day_of_month=c.day_of_month,
            month_of_year=c.month_of_year,
            day_of_week=c.day_of_week,
        )
    return CrontabScheduleForm(data, initial=initial)


@office_required
def schedule_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(PeriodicTask.objects.select_related("crontab", "interval"), pk=pk)
    form = _schedule_form(task, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        changed = services.schedule_update(
            task=task,
            enabled=form.cleaned_data["enabled"],
            crontab=form.cleaned_data.get("crontab"),
            every_seconds=form.cleaned_data.get("every_seconds"),
            by=request.user,
        )
        messages.success(request, f"已保存“{task.name}”的执行计划。" if changed else "没有修改。")
        return redirect("scheduler:schedules")
    return render(
        request,
        "scheduler/schedule_edit.html",
        {"task": task, "form": form, "declared": declared(task.name)},
    )


@require_POST
@office_required
def schedule_run(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(PeriodicTask, pk=pk)
    if services.schedule_run_now(task=task):
        messages.success(request, f"已提交“{task.name}”立即执行一次，稍后刷新查看结果。")
    else:
        messages.error(request, "后台任务队列暂不可用，未能提交；计划任务会按时自动执行。")
    return redirect("scheduler:schedules")
