"""The overall dashboard (office; member units read-only), target and unit pages, the status matrix."""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from accounts.permissions import AuthenticatedRequest, is_office, office_required, progress_viewer_required
from committee.models import MemberUnit
from core.markup import url_pattern

from .. import selectors
from ..charts import history_chart
from ..forms import DashboardFilterForm, MatrixFilterForm
from ..models import Plan, Target
from ..permissions import can_see_unit
from ..rows import statistic_rows, unit_report_rows, unit_target_rows
from ..templatetags.targets_tags import dashboard_row_html


def _plan_from(form: DashboardFilterForm | MatrixFilterForm) -> Plan | None:
    plan = form.cleaned_data.get("plan") if form.is_valid() else None
    return plan or selectors.current_plan()


@progress_viewer_required
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    form = DashboardFilterForm(request.GET or None)
    plan = _plan_from(form)
    if plan is None:
        return render(request, "targets/dashboard.html", {"plan": None, "form": form})
    data = form.cleaned_data if form.is_valid() else {}
    unit = data.get("unit")
    rows = selectors.target_progress_rows(
        plan=plan, category=data.get("category") or None, unit_id=unit.pk if unit else None
    )
    counts = selectors.rag_counts(rows)
    if data.get("rag"):
        rows = [r for r in rows if r["rag"] == data["rag"]]
    detail = url_pattern("targets:target_detail")
    for row in rows:  # the table's rows formatted at once, not cell by cell in the template
        row["html"] = dashboard_row_html(row, detail % row["target"].pk)
    form.plan_categories(plan)  # the groups' names, read with the form's choices
    form.initial["plan"] = plan.pk
    return render(
        request,
        "targets/dashboard.html",
        {
            "plan": plan,
            "form": form,
            "groups": selectors.group_by_category(rows),
            "counts": counts,
            "total": sum(counts.values()),
            "is_office": is_office(request.user),
            "today": timezone.localdate(),
        },
    )


@office_required
def matrix(request: AuthenticatedRequest) -> HttpResponse:
    form = MatrixFilterForm(request.GET or None)
    plan = _plan_from(form)
    data = form.cleaned_data if form.is_valid() else {}
    unit = data.get("unit")
    asked = request.GET.get("older", "")
    older = int(asked) if asked.isdigit() and len(asked) < 4 else 0  # windows of periods back from the latest
    table = (
        selectors.report_matrix(
            plan=plan, unit_id=unit.pk if unit else None, status=data.get("status") or None, older=older
        )
        if plan
        else {"periods": [], "rows": [], "older": 0, "has_older": False}
    )
    params = request.GET.copy()
    params.pop("older", None)
    return render(
        request, "targets/matrix.html", {"plan": plan, "form": form, "query": params.urlencode(), **table}
    )


@progress_viewer_required
def target_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    target = get_object_or_404(Target.objects.select_related("plan"), pk=pk)
    annotated, halves = selectors.with_latest(Target.objects.filter(pk=target.pk), target.plan, today)
    points = selectors.half_year_series(annotated, halves)[target.pk]
    row = selectors.progress_row(annotated[0], points, today, selectors.owners_of([target.pk])[target.pk])
    page = Paginator(selectors.target_statistics(target), 20).get_page(request.GET.get("page"))
    lineage = selectors.target_lineage(target)
    user = request.user
    return render(
        request,
        "targets/target_detail.html",
        {
            "target": target,
            "row": row,
            "page_obj": page,
            "stat_rows": statistic_rows(
                page, measure_unit=target.measure_unit, user=user, is_office=is_office(user)
            ),
            "chart": history_chart(
                target, selectors.target_history(target, lineage=lineage), lineage=lineage
            ),
            "lineage": lineage,
            "is_office": is_office(user),
            "evaluation": getattr(target, "evaluation", None),
        },
    )


@progress_viewer_required
def unit_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(MemberUnit, pk=pk)
    if not can_see_unit(request.user, unit.pk):
        raise Http404("单位不存在")
    plans = list(Plan.objects.all())  # the plan switch and the current plan (an unknown one: the current)
    asked = request.GET.get("plan", "")
    plan = next((p for p in plans if str(p.pk) == asked), None) or selectors.current_plan(plans)
    # the page shows no trend line and no owners: the progress without the half-year series (the same
    # latest value, two queries instead of nine subqueries and a prefetch)
    rows = selectors.target_progress_rows(plan=plan, unit_id=unit.pk, series=False) if plan else []
    owned = selectors.unit_owned(plan=plan, unit_id=unit.pk) if plan else {"owners": [], "measures": []}
    roles = {o.target_id: o.get_role_display() for o in owned["owners"]}
    target_url = url_pattern("targets:target_detail")
    for row in rows:
        row["role"] = roles.get(row["target"].pk, "")
        row["url"] = target_url % row["target"].pk
    record = selectors.unit_reports(unit_id=unit.pk, plan=plan)
    tally = {"on_time": 0, "late": 0, "missing": 0, "returned": 0}
    for entry in record:
        if entry["timeliness"] in tally:
            tally[entry["timeliness"]] += 1
        if entry["report"].return_count:
            tally["returned"] += 1
    return render(
        request,
        "targets/unit_detail.html",
        {
            "unit": unit,
            "plan": plan,
            "plans": plans,
            "rows": rows,
            "target_rows": unit_target_rows(rows),
            "measures": owned["measures"],
            "record": record,
            "record_rows": unit_report_rows(record),
            "tally": tally,
            "is_office": is_office(request.user),
        },
    )
