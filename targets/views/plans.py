"""Plans, targets and measures (office pages, no code change for a new plan), and the final evaluation."""

import datetime as dt
from typing import Any, TypeVar

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import AuthenticatedRequest, approver_required, is_approver, office_required
from core.documents import docx_response, xlsx_response
from core.errors import show_error

from .. import final_evaluation
from ..forms import (
    CarryFormSet,
    FinalEvaluationForm,
    MeasureForm,
    PlanForm,
    ReopenForm,
    TargetForm,
    decimal_text,
)
from ..models import Measure, MeasureResponsibility, Plan, Target, TargetOwner
from ..services import (
    CarryRow,
    ReportError,
    measure_save,
    plan_carry_over,
    plan_evaluation_reopen,
    plan_evaluation_save,
    plan_evaluation_sign_off,
    plan_save,
    target_save,
)

M = TypeVar("M", Target, Measure)


@office_required
def plan_list(request: AuthenticatedRequest) -> HttpResponse:
    plans = Plan.objects.annotate(
        n_targets=Count("targets", distinct=True), n_periods=Count("periods", distinct=True)
    )
    return render(request, "targets/plan_list.html", {"plans": plans, "today": timezone.localdate()})


@office_required
def plan_form(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    plan = get_object_or_404(Plan, pk=pk) if pk else Plan()
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        plan = plan_save(plan=form.instance, by=request.user)
        messages.success(request, f"已保存规划“{plan.name}”。")
        return redirect("targets:plan_detail", pk=plan.pk)
    return render(
        request,
        "targets/plan_form.html",
        {"form": form, "plan": plan if pk else None},
        status=400 if request.method == "POST" else 200,
    )


def _carry_initial(source: Plan) -> tuple[dict, list[dict]]:
    span = source.end_date.year - source.start_date.year + 1
    start = source.end_date + dt.timedelta(days=1)
    end = dt.date(start.year + span - 1, 12, 31)
    plan = {
        "code": f"{source.code.rsplit('-', 2)[0]}-{start.year}-{end.year}" if "-" in source.code else "",
        "start_date": start,
        "end_date": end,
        "is_current": True,
    }
    rows = [
        {"target": t.pk, "include": True, "target_value": decimal_text(t.target_value), "deadline": end}
        for t in source.targets.filter(active=True).order_by("order", "id")
    ]
    return plan, rows


@office_required
def plan_carry_over_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A new plan from ``pk``: plan fields and every target's new value and deadline in one table."""
    source = get_object_or_404(Plan, pk=pk)
    owners = TargetOwner.objects.select_related("unit").order_by("role", "id")
    targets = list(
        source.targets.filter(active=True)
        .prefetch_related(Prefetch("owners", queryset=owners))
        .order_by("order", "id")
    )
    sources = {t.pk: t for t in targets}
    plan_initial, rows_initial = _carry_initial(source)
    if request.method == "POST":
        form = PlanForm(request.POST, instance=Plan())
        formset = CarryFormSet(request.POST, sources=sources, prefix="rows")
    else:
        form = PlanForm(initial=plan_initial, instance=Plan())
        formset = CarryFormSet(initial=rows_initial, sources=sources, prefix="rows")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        plan = form.instance
        rows = [
            CarryRow(
                source=f.cleaned_data["source"],
                target_value=f.cleaned_data["target_value"],
                deadline=f.cleaned_data.get("deadline") or plan.end_date,
            )
            for f in formset.forms
            if f.cleaned_data.get("include")
        ]
        try:
            plan = plan_carry_over(
                source=source,
                plan=plan,
                rows=rows,
                by=request.user,
                copy_measures_and_goals=request.POST.get("copy_measures") == "on",
            )
        except ReportError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(
                request, f"已由“{source.name}”接续新建规划“{plan.name}”，接续指标 {len(rows)} 项。"
            )
            return redirect("targets:plan_detail", pk=plan.pk)
    for row_form in formset.forms:
        target_id = row_form.initial.get("target") or _int(row_form["target"].value())
        row_form.source = sources.get(target_id) if target_id is not None else None
    return render(
        request,
        "targets/plan_carry_over.html",
        {"source": source, "form": form, "formset": formset},
        status=400 if request.method == "POST" else 200,
    )


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@office_required
def plan_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan, pk=pk)
    owners = TargetOwner.objects.select_related("unit").order_by("role", "id")
    targets = plan.targets.prefetch_related(Prefetch("owners", queryset=owners)).order_by("order", "id")
    responsibilities = MeasureResponsibility.objects.select_related("unit").order_by("order")
    measures = plan.measures.prefetch_related(Prefetch("responsibilities", queryset=responsibilities))
    return render(
        request,
        "targets/plan_detail.html",
        {"plan": plan, "targets": targets, "measures": measures.order_by("order", "id")},
    )


def _plan_item(model: type[M], *, pk: int | None, plan_pk: int | None) -> tuple[M, Plan]:
    """(object, plan) for an edit (``pk``) or a new object of the plan ``plan_pk``."""
    if pk:
        obj = get_object_or_404(model.objects.select_related("plan"), pk=pk)
        return obj, obj.plan
    plan = get_object_or_404(Plan, pk=plan_pk)
    return model(plan=plan), plan


@office_required
def target_form(
    request: AuthenticatedRequest, plan_pk: int | None = None, pk: int | None = None
) -> HttpResponse:
    target, plan = _plan_item(Target, pk=pk, plan_pk=plan_pk)
    form = TargetForm(request.POST or None, instance=target, plan=plan)
    if request.method == "POST" and form.is_valid():
        target = target_save(
            target=form.instance,
            by=request.user,
            lead_units=list(form.cleaned_data["lead_units"]),
            support_units=list(form.cleaned_data["support_units"]),
        )
        messages.success(request, f"已保存指标“{target.code} {target.name}”。")
        return redirect("targets:plan_detail", pk=plan.pk)
    return render(
        request,
        "targets/target_form.html",
        {"form": form, "plan": plan, "target": target if pk else None},
        status=400 if request.method == "POST" else 200,
    )


@office_required
def measure_form(
    request: AuthenticatedRequest, plan_pk: int | None = None, pk: int | None = None
) -> HttpResponse:
    measure, plan = _plan_item(Measure, pk=pk, plan_pk=plan_pk)
    form = MeasureForm(request.POST or None, instance=measure, plan=plan)
    if request.method == "POST" and form.is_valid():
        measure = measure_save(measure=form.instance, by=request.user, units=list(form.cleaned_data["units"]))
        messages.success(request, f"已保存措施“{measure.code} {measure.title}”。")
        return redirect("targets:plan_detail", pk=plan.pk)
    return render(
        request,
        "targets/measure_form.html",
        {"form": form, "plan": plan, "measure": measure if pk else None},
        status=400 if request.method == "POST" else 200,
    )


@office_required
def evaluation(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The whole 终期评估 as one form (one 保存), with sign-off and reopening by an approver."""
    plan = get_object_or_404(Plan, pk=pk)
    data = final_evaluation.evaluation_data(plan)
    evaluation_obj = data["evaluation"]
    frozen = bool(evaluation_obj and evaluation_obj.is_frozen)
    form = FinalEvaluationForm(request.POST or None, data_rows=data)
    if request.method == "POST":
        if frozen:
            messages.error(request, "终期评估已签发，不能修改；如需修改请由办公室负责人重新打开。")
            return redirect("targets:evaluation", pk=plan.pk)
        if form.is_valid():
            try:
                plan_evaluation_save(plan=plan, by=request.user, **form.to_input())
            except ReportError as exc:
                show_error(request, exc)
            else:
                messages.success(request, "已保存终期评估。")
                return redirect("targets:evaluation", pk=plan.pk)
        else:
            messages.error(request, "终期评估填写有误，请按提示修改；本次没有保存任何内容。")
    return render(
        request,
        "targets/evaluation.html",
        {
            "plan": plan,
            "data": data,
            "form": form,
            "frozen": frozen,
            "reopen_form": ReopenForm(),
            "over": plan.end_date < timezone.localdate(),
            "is_approver": is_approver(request.user),
        },
        status=400 if request.method == "POST" else 200,
    )


@approver_required
@require_POST
def evaluation_sign_off(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan, pk=pk)
    try:
        plan_evaluation_sign_off(plan=plan, by=request.user)
    except ReportError as exc:
        show_error(request, exc)
    else:
        messages.success(request, "终期评估已签发，内容已冻结。")
    return redirect("targets:evaluation", pk=plan.pk)


@approver_required
@require_POST
def evaluation_reopen(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan, pk=pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请写明重新打开的原因。")
        return redirect("targets:evaluation", pk=plan.pk)
    try:
        plan_evaluation_reopen(plan=plan, by=request.user, reason=form.cleaned_data["reason"])
    except ReportError as exc:
        show_error(request, exc)
    else:
        messages.success(request, "终期评估已重新打开，可以修改；原因已记录。")
    return redirect("targets:evaluation", pk=plan.pk)


@office_required
def evaluation_xlsx(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan, pk=pk)
    return xlsx_response(final_evaluation.workbook_sheets(plan), f"{plan.code}-终期评估.xlsx")


@office_required
def evaluation_docx(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan, pk=pk)
    return docx_response(final_evaluation.document(plan), f"{plan.code}-终期评估报告.docx")
