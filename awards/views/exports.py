"""Money overview and the downloads of the office."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import AuthenticatedRequest, office_required
from core.documents import docx_response, xlsx_response
from core.errors import show_error

from .. import documents, selectors, services
from ..filters import LedgerFilter
from ..forms import BudgetForm
from ..models import Application, FundingSource, PublicityBatch

MAX_EXPORT_ROWS = 20000


ALL_YEARS = "all"


def _year(request: HttpRequest) -> int | None:
    """The award year the money pages show: this year unless another one (or ``all``) is chosen, so
    the default page sums one year's awards rather than every application ever filed."""
    value = request.GET.get("year", "")
    if value == ALL_YEARS:
        return None
    if value.isdigit() and 2000 <= int(value) <= 2100:
        return int(value)
    return timezone.localdate().year


@office_required
def money(request: AuthenticatedRequest, budget_form: BudgetForm | None = None) -> HttpResponse:
    year = _year(request)
    sources = FundingSource.as_choices()
    rows = selectors.money_summary(year=year, sources=sources)
    today = timezone.localdate()
    context = {
        "rows": rows,
        "by_source": selectors.money_by_source(rows, sources),
        "totals": selectors.money_totals(rows),
        "year": year,
        "year_param": year or ALL_YEARS,
        "years": selectors.award_years(today=today),
        "today": today,
        "chart": _chart(rows),
        "budgets": selectors.budget_rows(year=year),  # the year the page shows, like its sums
        "budget_form": budget_form or BudgetForm(initial={"year": today.year}),
    }
    return render(request, "awards/money.html", context, status=400 if budget_form else 200)


@require_POST
@office_required
def budget_set(request: AuthenticatedRequest) -> HttpResponse:
    form = BudgetForm(request.POST)
    if form.is_valid():
        try:
            services.budget_set(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, "预算已登记，待另一位办公室负责人确认后生效。")
            return redirect("awards:money")
    return money(request, budget_form=form)


def _chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    years = sorted({r["year"] for r in rows if r["year"]})
    series = []
    for key, label in (("approved", "核准"), ("paid", "已拨付"), ("pending", "待拨付")):
        data = [round(sum(r[key] for r in rows if r["year"] == y) / 10000, 4) for y in years]
        series.append({"name": label, "type": "bar", "data": data})
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 60, "right": 20, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": [f"{y}年" for y in years]},
        "yAxis": {"type": "value", "name": "万元"},
        "series": series,
    }


@office_required
def money_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    year = _year(request)
    rows = selectors.money_summary(year=year)
    applications = (
        Application.objects.filter(selectors.REQUESTED)
        .select_related("enterprise", "reward_item")
        .order_by("award_date", "id")
    )
    if year:
        applications = applications.filter(award_date__year=year)
    sheets = documents.money_sheets(rows, applications[:MAX_EXPORT_ROWS])
    name = f"质量品牌奖励资金台账{'-' + str(year) if year else ''}-{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(sheets, name)


@office_required
def publicity_docx(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(PublicityBatch, pk=pk)
    doc = documents.publicity_document(batch, selectors.batch_entries(batch))
    return docx_response(doc, f"{batch.title}.docx")


@office_required
def payments_docx(request: AuthenticatedRequest) -> HttpResponse:
    year = _year(request) or timezone.localdate().year
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    doc = documents.payments_document(selectors.paid_between(start=start, end=end), start=start, end=end)
    return docx_response(doc, f"{year}年质量品牌奖励资金拨付清单.docx")


@office_required
def legacy_template(request: AuthenticatedRequest) -> HttpResponse:
    return xlsx_response(documents.legacy_template_sheets(), "历史兑现记录导入模板.xlsx")


LEDGER_SORT = {
    "企业名称": "enterprise",
    "奖项": "reward",
    "获奖日期": "award_date",
    "核定金额（元）": "amount",
    "拨付金额（元）": "paid",
    "拨付日期": "paid_on",
}


def _ledger(request: HttpRequest) -> tuple[LedgerFilter, QuerySet[Application]]:
    today = timezone.localdate()
    filterset = LedgerFilter(
        request.GET or None, queryset=selectors.payment_ledger(), years=selectors.award_years(today=today)
    )
    return filterset, filterset.qs


@office_required
def payment_ledger(request: AuthenticatedRequest) -> HttpResponse:
    filterset, qs = _ledger(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    page_rows = documents.ledger_rows(page.object_list)
    offset = page.start_index() - 1 if page.object_list else 0
    for row in page_rows:
        row[0] += offset
    context = {
        "filter": filterset,
        "page_obj": page,
        "rows": page_rows,
        # the page's columns are the export's; some of them sort (the LedgerFilter's ``o``)
        "header": [
            (h, LEDGER_SORT.get(h, ""), "num" if "金额" in h else "") for h in documents.LEDGER_HEADER
        ],
        "page_totals": {
            "approved": sum(a.amount_yuan for a in page.object_list),
            "paid": sum(
                a.paid_amount_yuan or 0 for a in page.object_list if a.status == Application.Status.PAID
            ),
        },
        "totals": selectors.ledger_totals(qs),
    }
    return render(request, "awards/payment_ledger.html", context)


@office_required
def payment_ledger_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    _, qs = _ledger(request)
    sheets = documents.ledger_sheets(qs[:MAX_EXPORT_ROWS], selectors.ledger_totals(qs))
    return xlsx_response(sheets, f"资金拨付台账-{timezone.localdate():%Y%m%d}.xlsx")
