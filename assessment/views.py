"""Office: the year's scheme (one form), the computed scores, publication, exports. Units: their own
published score and why."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import AuthenticatedRequest, approver_required, office_required, unit_required
from core.documents import docx_response, xlsx_response
from core.errors import show_error

from . import documents
from .filters import SchemeFilter
from .forms import ItemFormSet, SchemeForm, YearForm
from .models import AssessmentResult, AssessmentScheme
from .services import (
    AssessmentError,
    ItemInput,
    assessment_compute,
    scheme_publish,
    scheme_results,
    scheme_save,
    suggested_items,
)


@office_required
def index(request: AuthenticatedRequest) -> HttpResponse:
    opening = "year" in request.GET  # 打开该年度; the list's own filters are status and o
    form = YearForm(request.GET) if opening else YearForm(initial={"year": timezone.localdate().year})
    if opening and form.is_valid():
        return redirect("assessment:scheme", year=form.cleaned_data["year"])
    schemes = AssessmentScheme.objects.prefetch_related("items").order_by("-year")
    filterset = SchemeFilter(None if opening else request.GET or None, queryset=schemes)
    return render(
        request,
        "assessment/index.html",
        {"schemes": filterset.qs, "filter": filterset, "form": form},
        status=400 if opening else 200,
    )


def _rows(scheme: AssessmentScheme | None) -> list[dict[str, Any]]:
    if scheme is None:
        return []
    return scheme_results(scheme=scheme) if scheme.is_published else assessment_compute(scheme=scheme)


def _item_initial(scheme: AssessmentScheme | None) -> list[dict[str, Any]]:
    if scheme is not None and scheme.items.exists():
        given = {i.kind: i for i in scheme.items.all()}
        rows = [ItemInput(i.kind, i.name, i.weight, i.deduction) for i in given.values()]
        # the kinds not in the scheme yet: an empty row each
        blank = [
            {"kind": s.kind, "name": "", "weight": "", "deduction": ""}
            for s in suggested_items()
            if s.kind not in given
        ]
    else:
        rows, blank = suggested_items(), []
    return [
        {"kind": r.kind, "name": r.name, "weight": r.weight, "deduction": r.deduction} for r in rows
    ] + blank


@office_required
def scheme(request: AuthenticatedRequest, year: int) -> HttpResponse:
    if not 2000 <= year <= 2100:
        raise Http404("考核年度无效")
    obj = AssessmentScheme.objects.filter(year=year).first()
    form = SchemeForm(request.POST or None, initial={"note": obj.note if obj else ""})
    formset = ItemFormSet(request.POST or None, initial=_item_initial(obj), prefix="items")
    if request.method == "POST":
        if obj is not None and obj.is_published:
            messages.error(request, f"{year}年度考核结果已发布，方案不能再修改。")
            return redirect("assessment:scheme", year=year)
        if form.is_valid() and formset.is_valid():
            items = [
                ItemInput(
                    f.cleaned_data["kind"],
                    f.cleaned_data["name"],
                    f.cleaned_data["weight"],
                    f.cleaned_data["deduction"],
                )
                for f in formset.forms
                if not f.cleaned_data.get("skip")
            ]
            try:
                scheme_save(year=year, note=form.cleaned_data["note"], items=items, by=request.user)
            except AssessmentError as exc:
                show_error(request, exc, form=form)
            else:
                messages.success(request, f"已保存{year}年度考核方案。")
                return redirect("assessment:scheme", year=year)
    return render(
        request,
        "assessment/scheme.html",
        {
            "year": year,
            "scheme": obj,
            "form": form,
            "formset": formset,
            "rows": _rows(obj),
        },
        status=400 if request.method == "POST" else 200,
    )


@approver_required
@require_POST
def publish(request: AuthenticatedRequest, year: int) -> HttpResponse:
    obj = get_object_or_404(AssessmentScheme, year=year)
    try:
        n = scheme_publish(scheme=obj, by=request.user)
    except AssessmentError as exc:
        show_error(request, exc)
    else:
        messages.success(
            request, f"已发布{year}年度考核结果（{n} 个单位），各单位可查看本单位得分及扣分依据。"
        )
    return redirect("assessment:scheme", year=year)


@office_required
def export_xlsx(request: AuthenticatedRequest, year: int) -> HttpResponse:
    obj = get_object_or_404(AssessmentScheme.objects.prefetch_related("items"), year=year)
    return xlsx_response(documents.workbook_sheets(obj, _rows(obj)), f"{year}年度督查考核结果.xlsx")


@office_required
def export_docx(request: AuthenticatedRequest, year: int) -> HttpResponse:
    obj = get_object_or_404(AssessmentScheme.objects.prefetch_related("items"), year=year)
    return docx_response(documents.assessment_document(obj, _rows(obj)), f"{year}年度督查考核结果.docx")


@unit_required
def mine(request: AuthenticatedRequest) -> HttpResponse:
    """The unit's own published results only: no other unit's score or rank list."""
    results = (
        AssessmentResult.objects.filter(
            unit_id=request.user.member_unit_id, scheme__status=AssessmentScheme.Status.PUBLISHED
        )
        .select_related("scheme", "unit")
        .order_by("-scheme__year")
    )
    return render(request, "assessment/mine.html", {"results": results})
