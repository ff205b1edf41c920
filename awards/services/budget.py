"""The yearly budget of a fund: entered by office staff, in effect once another approver confirms."""

from django.utils import timezone

from accounts.models import User
from core.errors import ServiceError
from core.policy import first_year

from ..models import FundBudget, FundingSource, MoneyChange
from ._changes import change_propose
from ._workflow import require_office, wan
from .payment import amount_errors


def budget_set(*, year: int, funding_source: str, amount_yuan: int, by: User, basis: str) -> MoneyChange:
    """Propose the budget of one fund for one year (maker-checker)."""
    require_office(by)
    errors = []
    latest = timezone.localdate().year + 1
    start = first_year()  # the programme's first year (the policy's date)
    if not isinstance(year, int) or not start <= year <= latest:
        errors.append(f"年度应在 {start} 至 {latest} 年之间。")
    source = FundingSource.objects.filter(code=funding_source).first()
    if source is None:
        errors.append("请选择资金来源。")
    errors += amount_errors(amount_yuan, "预算金额")
    basis = (basis or "").strip()
    if not basis:
        errors.append("请填写预算依据（如预算批复文号）。")
    if errors or source is None:
        raise ServiceError(errors, code="bad_budget")
    label = source.name
    return change_propose(
        kind=MoneyChange.Kind.BUDGET,
        by=by,
        summary=f"{year}年 {label} 预算 {wan(amount_yuan)}（{amount_yuan:,} 元）。",
        reason=basis,
        payload={"year": year, "source": funding_source, "amount_yuan": amount_yuan},
    )


def budget_apply(change: MoneyChange, *, by: User) -> FundBudget:
    data = change.payload
    budget, _ = FundBudget.objects.update_or_create(
        year=data["year"],
        source_id=data["source"],
        defaults={
            "amount_yuan": data["amount_yuan"],
            "basis": change.reason[:200],
            "updated_at": timezone.now(),
        },
    )
    return budget
