"""Plans, targets and measures (office pages, no code change for a new plan), and the final evaluation."""

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import office_required
from core.documents import docx_response, xlsx_response

from .. import exports, selectors
from ..forms import EvaluationForm, MeasureForm, PlanForm, TargetForm, decimal_text
from ..models import Measure, MeasureResponsibility, Plan, Target, TargetEvaluation, TargetOwner
from ..services import measure_save, plan_save, target_evaluate, target_save


@office_required
def plan_list(request):
    plans = Plan.objects.annotate(
        n_targets=Count("targets", distinct=True), n_periods=Count("periods", distinct=True)
    )
    return render(request, "targets/plan_list.html", {"plans": plans, "today": timezone.localdate()})


@office_required
def plan_form(request, pk=None):
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


@office_required
def plan_detail(request, pk):
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


def _plan_item(model, *, pk, plan_pk):
    """(object, plan) for an edit (``pk``) or a new object of the plan ``plan_pk``."""
    if pk:
        obj = get_object_or_404(model.objects.select_related("plan"), pk=pk)
        return obj, obj.plan
    plan = get_object_or_404(Plan, pk=plan_pk)
    return model(plan=plan), plan


@office_required
def target_form(request, plan_pk=None, pk=None):
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
def measure_form(request, plan_pk=None, pk=None):
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


def _evaluation_rows(plan, bound=None):
    rows = selectors.target_progress_rows(plan=plan)
    evaluations = {e.target_id: e for e in TargetEvaluation.objects.filter(target__plan=plan)}
    for row in rows:
        target = row["target"]
        evaluation = evaluations.get(target.pk)
        row["evaluation"] = evaluation
        if bound is not None and bound.target.pk == target.pk:
            row["form"] = bound
            continue
        if evaluation:
            initial = {
                "result": evaluation.result,
                "final_value": decimal_text(evaluation.final_value),
                "final_as_of": evaluation.final_as_of,
                "comment": evaluation.comment,
            }
        else:
            suggested = (
                TargetEvaluation.Result.ACHIEVED if row["achieved"] else TargetEvaluation.Result.NOT_ACHIEVED
            )
            if row["actual"] is None:
                suggested = TargetEvaluation.Result.NOT_MEASURABLE
            initial = {
                "result": suggested,
                "final_value": decimal_text(row["actual"]),
                "final_as_of": row["as_of"],
            }
        row["form"] = EvaluationForm(initial=initial, target=target, prefix=f"t{target.pk}")
    return rows


@office_required
def evaluation(request, pk):
    plan = get_object_or_404(Plan, pk=pk)
    rows = _evaluation_rows(plan)
    summary = exports.evaluation_summary(exports.evaluation_rows(plan))
    return render(
        request,
        "targets/evaluation.html",
        {"plan": plan, "rows": rows, "summary": summary, "over": plan.end_date < timezone.localdate()},
    )


@office_required
@require_POST
def evaluation_save(request, pk, target_pk):
    plan = get_object_or_404(Plan, pk=pk)
    target = get_object_or_404(Target, pk=target_pk, plan=plan)
    form = EvaluationForm(request.POST, target=target, prefix=f"t{target.pk}")
    if form.is_valid():
        data = form.cleaned_data
        target_evaluate(
            target=target,
            by=request.user,
            result=data["result"],
            final_value=data["final_value"],
            final_as_of=data.get("final_as_of"),
            comment=data["comment"],
        )
        messages.success(request, f"已保存“{target.code} {target.name}”的终期评估。")
        return redirect(reverse("targets:evaluation", args=[plan.pk]) + f"#t{target.pk}")
    messages.error(request, f"“{target.code} {target.name}”的评估填写有误，请按提示修改。")
    rows = _evaluation_rows(plan, bound=form)
    summary = exports.evaluation_summary(exports.evaluation_rows(plan))
    return render(
        request,
        "targets/evaluation.html",
        {"plan": plan, "rows": rows, "summary": summary, "over": plan.end_date < timezone.localdate()},
        status=400,
    )


@office_required
def evaluation_xlsx(request, pk):
    plan = get_object_or_404(Plan, pk=pk)
    rows = exports.evaluation_rows(plan)
    return xlsx_response([("终期评估", exports.EVALUATION_HEADERS, rows)], f"{plan.code}-终期评估.xlsx")


@office_required
def evaluation_docx(request, pk):
    plan = get_object_or_404(Plan, pk=pk)
    return docx_response(exports.evaluation_document(plan), f"{plan.code}-终期评估报告.docx")
