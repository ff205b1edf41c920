"""The top-level pages: home, policy, reward schedule, workbench, audit trail, system health."""

from collections.abc import Iterable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from accounts.permissions import AuthenticatedRequest, is_office, is_platform_admin, office_required, require
from awards.models import RewardItem
from core import health as health_checks
from core import history, services
from core.workbench import workbench_panels
from targets.models import Measure, QualitativeGoal
from targets.rows import policy_target_rows
from targets.selectors import current_plan


def home(request: HttpRequest) -> HttpResponse:
    plan = current_plan()
    rewards = RewardItem.objects.filter(active=True).select_related("funding_source").order_by("order")
    targets_count = plan.targets.filter(active=True).count() if plan else 0
    return render(
        request, "core/home.html", {"plan": plan, "rewards": rewards, "targets_count": targets_count}
    )


def policy(request: HttpRequest) -> HttpResponse:
    plan = current_plan()
    rows: list[SafeString] = []
    count = 0
    measures: Iterable[Measure] = []
    goals: Iterable[QualitativeGoal] = []
    if plan:
        rows, count = policy_target_rows(plan)
        measures = Measure.objects.filter(plan=plan).order_by("order")
        goals = plan.goals.order_by("order")
    return render(
        request,
        "core/policy.html",
        {"plan": plan, "target_rows": rows, "target_count": count, "measures": measures, "goals": goals},
    )


def reward_schedule(request: HttpRequest) -> HttpResponse:
    rewards = RewardItem.objects.filter(active=True).select_related("funding_source").order_by("order")
    return render(request, "core/reward_schedule.html", {"rewards": rewards})


@login_required
def workbench(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "core/workbench.html", {"panels": workbench_panels(request.user)})


@office_required
def object_history(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    model = history.audited_model(label)
    obj = get_object_or_404(model, pk=pk)
    return render(
        request,
        "core/object_history.html",
        {"object": obj, "model_name": model._meta.verbose_name, "entries": history.object_history(obj)},
    )


@require(lambda u: is_office(u) or is_platform_admin(u))
def health(request: HttpRequest) -> HttpResponse:
    checks = health_checks.all_checks()
    return render(
        request,
        "core/health.html",
        {
            "status": services.health_status(),
            "checks": checks,
            "failing": [c for c in checks if c.level != "ok"],
        },
    )


@require_POST
@require(lambda u: is_office(u) or is_platform_admin(u))
def health_check(request: HttpRequest) -> HttpResponse:
    services.health_request()
    return redirect("core:health")
