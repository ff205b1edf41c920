from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import office_required
from core.documents import xlsx_response

from .. import services
from ..forms import AssessmentForm, AssignmentForm, WorkPlanForm
from ..models import FollowUpAssignment, WorkPlan
from ..selectors import assessment_rows
from ._helpers import perform_form, perform_in_form


@office_required
def workplan_list(request):
    plans = WorkPlan.objects.annotate(
        task_count=Count("tasks", distinct=True),
        open_count=Count(
            "tasks__assignments",
            filter=~Q(tasks__assignments__phase=FollowUpAssignment.Phase.CLOSED),
            distinct=True,
        ),
    ).order_by("-year")
    form = WorkPlanForm(initial={"year": timezone.localdate().year})
    return render(request, "meetings/workplan_list.html", {"plans": plans, "form": form})


@require_POST
@office_required
def workplan_create(request):
    plan = perform_form(
        request,
        WorkPlanForm(request.POST),
        services.workplan_create,
        success="年度工作计划已创建，请分解任务。",
    )
    return redirect(plan) if plan else redirect("meetings:workplan_list")


@office_required
def workplan_detail(request, pk):
    plan = get_object_or_404(WorkPlan, pk=pk)
    today = timezone.localdate()
    assignments = (
        FollowUpAssignment.objects.with_status(today).select_related("unit").order_by("role", "unit__order")
    )
    tasks = plan.tasks.prefetch_related(Prefetch("assignments", queryset=assignments)).order_by("order", "id")
    form = AssignmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = perform_in_form(
            request,
            form,
            services.workplan_task_create,
            work_plan=plan,
            success="任务已分解下发，相关单位已收到督办通知。",
            **form.cleaned_data,
        )
        if done:
            return redirect(plan)
    return render(request, "meetings/workplan_detail.html", {"plan": plan, "tasks": tasks, "form": form})


def _assessment_year(request) -> int:
    form = AssessmentForm(request.GET or None)
    return form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year


@office_required
def assessment(request):
    year = _assessment_year(request)
    rows, reports_available = assessment_rows(year=year)
    return render(
        request,
        "meetings/assessment.html",
        {
            "rows": rows,
            "year": year,
            "reports_available": reports_available,
            "form": AssessmentForm(initial={"year": year}),
        },
    )


ASSESSMENT_HEADERS = [
    "单位",
    "报告按时",
    "报告逾期",
    "报告未报",
    "报告被退回",
    "督办事项",
    "按时办结",
    "逾期办结",
    "未办结",
    "其中已逾期",
]


@office_required
def assessment_export(request):
    year = _assessment_year(request)
    rows, _ = assessment_rows(year=year)
    data = [
        [
            r["unit"].name,
            r["reports_on_time"],
            r["reports_late"],
            r["reports_missing"],
            r["reports_returned"],
            r["followups_total"],
            r["followups_on_time"],
            r["followups_late"],
            r["followups_open"],
            r["followups_overdue"],
        ]
        for r in rows
    ]
    return xlsx_response([(f"{year}年度考核", ASSESSMENT_HEADERS, data)], f"{year}年度督查考核表.xlsx")
