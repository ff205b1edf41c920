from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import AuthenticatedRequest, office_required

from .. import services
from ..filters import WorkPlanFilter
from ..forms import AssignmentForm, WorkPlanForm
from ..models import FollowUpAssignment, WorkPlan
from ._helpers import perform_form, perform_in_form


@office_required
def workplan_list(request: AuthenticatedRequest) -> HttpResponse:
    plans = WorkPlan.objects.annotate(
        task_count=Count("tasks", distinct=True),
        open_count=Count(
            "tasks__assignments",
            filter=~Q(tasks__assignments__phase=FollowUpAssignment.Phase.CLOSED),
            distinct=True,
        ),
    ).order_by("-year")
    filterset = WorkPlanFilter(request.GET or None, queryset=plans)
    form = WorkPlanForm(initial={"year": timezone.localdate().year})
    return render(
        request, "meetings/workplan_list.html", {"plans": filterset.qs, "filter": filterset, "form": form}
    )


@require_POST
@office_required
def workplan_create(request: AuthenticatedRequest) -> HttpResponse:
    plan = perform_form(
        request,
        WorkPlanForm(request.POST),
        services.workplan_create,
        success="年度工作计划已创建，请分解任务。",
    )
    return redirect(plan) if plan else redirect("meetings:workplan_list")


@office_required
def workplan_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
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
