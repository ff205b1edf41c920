"""Filters and sorting of the office's application list (django-filter); the export uses the same."""

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict

from core.filters import Ordering, TextSearch

from .models import (
    Application,
    DuplicateFinding,
    Enterprise,
    FundingRequest,
    FundingSource,
    MoneyChange,
    PublicityBatch,
    RegistrationReview,
    RewardItem,
)

APPLICATION_CODE = re.compile(r"(?:JL)?\d{4}-0*(\d{1,9})")


class ApplicationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="状态",
        choices=[c for c in Application.Status.choices if c[0] != Application.Status.DRAFT],
    )
    reward_item = django_filters.ModelChoiceFilter(
        label="奖励项目", queryset=RewardItem.objects.order_by("order")
    )
    funding_source = django_filters.ChoiceFilter(label="资金来源", choices=FundingSource.as_choices)
    year = django_filters.NumberFilter(
        label="获奖年度", field_name="award_date__year", min_value=2000, max_value=2100
    )
    q = django_filters.CharFilter(label="企业/编号", method="search", max_length=50)
    o = Ordering(
        fields=(
            ("id", "code"),  # 申报编号 is JL<year>-<id>: ordered as the ids
            ("enterprise__name", "enterprise"),
            ("amount_yuan", "amount"),
            ("submitted_at", "submitted"),
            ("status", "status"),
        )
    )

    class Meta:
        model = Application
        fields = ["status", "reward_item", "funding_source", "year"]

    def search(self, queryset: QuerySet[Application], name: str, value: str) -> QuerySet[Application]:
        found = (
            Q(enterprise__name__icontains=value)
            | Q(enterprise__credit_code__icontains=value)
            | Q(reference__icontains=value)
        )
        number = APPLICATION_CODE.fullmatch(value.strip().upper())
        if number:  # 申报编号 (a property, not a column): JL2025-00012 is application 12
            found |= Q(pk=int(number.group(1)))
        return queryset.filter(found)


class EnterpriseFilter(django_filters.FilterSet):
    """企业核验: 待核验 by default (what the office has to do), or any state; name or code."""

    STATES = [("unverified", "待核验"), ("verified", "已核验"), ("rejected", "已驳回"), ("all", "全部企业")]
    state = django_filters.ChoiceFilter(label="核验状态", choices=STATES, method="by_state", empty_label=None)
    q = TextSearch(
        label="企业名称或代码",
        fields=(
            "name",
            "credit_code",
        ),
    )
    o = Ordering(
        fields=(
            ("name", "name"),
            ("created_at", "created"),
            ("verified_at", "verified"),
            ("n", "applications"),
        )
    )

    class Meta:
        model = Enterprise
        fields: list[str] = []

    def __init__(self, data: QueryDict | None = None, *args: Any, **kwargs: Any) -> None:
        if data is not None and not data.get("state"):
            data = data.copy()
            data["state"] = "unverified"
        super().__init__(data, *args, **kwargs)

    def by_state(self, queryset: QuerySet[Enterprise], name: str, value: str) -> QuerySet[Enterprise]:
        if value == "unverified":
            return queryset.filter(verified_at__isnull=True, rejected_at__isnull=True)
        if value == "verified":
            return queryset.filter(verified_at__isnull=False)
        if value == "rejected":
            return queryset.filter(verified_at__isnull=True, rejected_at__isnull=False)
        return queryset


LEDGER_STATUSES = [
    (Application.Status.SECOND_PASSED, "复核通过"),
    (Application.Status.PUBLICITY, "公示中"),
    (Application.Status.AWAITING_PAYMENT, "待拨付"),
    (Application.Status.PAID, "已拨付"),
]


class LedgerFilter(django_filters.FilterSet):
    """资金拨付台账: year, fund, reward line, status, enterprise; the xlsx export uses the same."""

    year = django_filters.TypedChoiceFilter(
        label="获奖年度", field_name="award_date__year", coerce=int, choices=[]
    )
    funding_source = django_filters.ChoiceFilter(label="资金来源", choices=FundingSource.as_choices)
    reward_code = django_filters.ModelChoiceFilter(
        label="奖项",
        field_name="reward_item",
        queryset=RewardItem.objects.order_by("order"),
        to_field_name="code",
    )
    status = django_filters.ChoiceFilter(label="状态", choices=LEDGER_STATUSES)
    q = TextSearch(
        label="企业/文号",
        fields=(
            "enterprise__name",
            "enterprise__credit_code",
            "approval_number",
            "voucher_number",
        ),
    )
    o = Ordering(
        fields=(
            ("enterprise__name", "enterprise"),
            ("reward_item__order", "reward"),
            ("award_date", "award_date"),
            ("amount_yuan", "amount"),
            ("paid_amount_yuan", "paid"),
            ("paid_on", "paid_on"),
        )
    )

    class Meta:
        model = Application
        fields: list[str] = []

    def __init__(self, *args: Any, years: Iterable[int] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # a typed choice has no empty choice of its own: 全部 first, or the newest year looks chosen
        self.filters["year"].extra["choices"] = [("", "全部"), *((y, f"{y}年") for y in years)]


class FindingFilter(django_filters.FilterSet):
    """资金安全检查: open or ruled, kind, enterprise or number; the xlsx export uses the same."""

    state = django_filters.ChoiceFilter(
        label="裁定情况", choices=[("open", "待裁定"), ("ruled", "已裁定")], method="by_state"
    )
    kind = django_filters.ChoiceFilter(label="类型", choices=DuplicateFinding.Kind.choices)
    q = django_filters.CharFilter(label="企业/编号", method="search", max_length=50)
    o = Ordering(
        fields=(("kind", "kind"), ("application__enterprise__name", "enterprise"), ("ruling", "ruling"))
    )

    class Meta:
        model = DuplicateFinding
        fields = ["kind"]

    def by_state(
        self, queryset: QuerySet[DuplicateFinding], name: str, value: str
    ) -> QuerySet[DuplicateFinding]:
        pending = DuplicateFinding.Ruling.PENDING
        return queryset.filter(ruling=pending) if value == "open" else queryset.exclude(ruling=pending)

    def search(
        self, queryset: QuerySet[DuplicateFinding], name: str, value: str
    ) -> QuerySet[DuplicateFinding]:
        return queryset.filter(
            Q(application__enterprise__name__icontains=value)
            | Q(other__enterprise__name__icontains=value)
            | Q(reference_canonical__icontains=value.upper())
            | Q(application__reference__icontains=value)
        )


class FundingRequestFilter(django_filters.FilterSet):
    """报请批次: year, fund, state, title or reply number."""

    year = django_filters.NumberFilter(label="年度", min_value=2000, max_value=2100)
    funding_source = django_filters.ChoiceFilter(label="资金来源", choices=FundingSource.as_choices)
    state = django_filters.ChoiceFilter(label="状态", choices=FundingRequest.State.choices)
    q = TextSearch(
        label="标题/批复文号",
        fields=(
            "title",
            "reply_number",
        ),
    )
    o = Ordering(
        fields=(
            ("title", "title"),
            ("requested_on", "requested"),
            ("total_yuan", "total"),
            ("state", "state"),
        )
    )

    class Meta:
        model = FundingRequest
        fields = ["year", "funding_source", "state"]


class MyApplicationFilter(django_filters.FilterSet):
    """我的申报 (one enterprise's own applications): state, reward line, year, number or reference."""

    status = django_filters.ChoiceFilter(label="状态", choices=Application.Status.choices)
    reward_item = django_filters.ModelChoiceFilter(
        label="奖励项目", queryset=RewardItem.objects.order_by("order")
    )
    year = django_filters.NumberFilter(
        label="获奖年度", field_name="award_date__year", min_value=2000, max_value=2100
    )
    q = django_filters.CharFilter(label="申报编号/编号", method="search", max_length=50)
    o = Ordering(
        fields=(
            ("id", "code"),
            ("reward_item__order", "reward"),
            ("award_date", "award_date"),
            ("amount_yuan", "amount"),
            ("status", "status"),
            ("updated_at", "updated"),
        )
    )

    class Meta:
        model = Application
        fields: list[str] = []

    def search(self, queryset: QuerySet[Application], name: str, value: str) -> QuerySet[Application]:
        found = Q(reference__icontains=value)
        number = APPLICATION_CODE.fullmatch(value.strip().upper())
        if number:
            found |= Q(pk=int(number.group(1)))
        return queryset.filter(found)


class MoneyChangeFilter(django_filters.FilterSet):
    """资金变更审核, the decided changes: kind, outcome, year registered, text; newest decision first."""

    kind = django_filters.ChoiceFilter(label="事项", choices=MoneyChange.Kind.choices)
    state = django_filters.ChoiceFilter(
        label="结果",
        choices=[c for c in MoneyChange.State.choices if c[0] != MoneyChange.State.PENDING],
    )
    year = django_filters.NumberFilter(
        label="登记年度", field_name="made_at__year", min_value=2000, max_value=2100
    )
    q = TextSearch(
        label="企业/内容/经办人",
        fields=(
            "summary",
            "reason",
            "application__enterprise__name",
            "reward_item__name",
            "made_by__full_name",
            "checked_by__full_name",
        ),
    )
    o = Ordering(
        fields=(
            ("kind", "kind"),
            ("made_at", "made"),
            ("checked_at", "checked"),
            ("state", "state"),
        )
    )

    class Meta:
        model = MoneyChange
        fields: list[str] = []


class RewardItemFilter(django_filters.FilterSet):
    """奖励标准维护: fund, accepting or not, name or code; in the order of 三(二) by default."""

    funding_source = django_filters.ChoiceFilter(label="资金来源", choices=FundingSource.as_choices)
    active = django_filters.BooleanFilter(
        label="状态",
        widget=forms.Select(choices=[("", "全部"), ("true", "受理中"), ("false", "已停用")]),
    )
    q = TextSearch(
        label="奖项名称",
        fields=(
            "name",
            "code",
        ),
    )
    o = Ordering(
        fields=(
            ("order", "name"),  # the order of 三(二), not the pinyin of the name
            ("amount_yuan", "amount"),
            ("funding_source__order", "source"),
            ("effective_from", "effective_from"),
            ("active", "active"),
        )
    )

    class Meta:
        model = RewardItem
        fields: list[str] = []


class PublicityBatchFilter(django_filters.FilterSet):
    """公示管理, the published lists: year, window against today, title."""

    STATES = [("open", "公示中"), ("future", "未开始"), ("ended", "已结束")]
    year = django_filters.NumberFilter(label="年度", min_value=2000, max_value=2100)
    state = django_filters.ChoiceFilter(label="状态", choices=STATES, method="by_state")
    q = django_filters.CharFilter(
        label="公示标题", field_name="title", lookup_expr="icontains", max_length=50
    )
    o = Ordering(
        fields=(
            ("start_date", "start"),
            ("title", "title"),
            ("n", "entries"),
            ("open_objections", "objections"),
        )
    )

    class Meta:
        model = PublicityBatch
        fields = ["year"]

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def by_state(self, queryset: QuerySet[PublicityBatch], name: str, value: str) -> QuerySet[PublicityBatch]:
        if value == "ended":
            return queryset.filter(end_date__lt=self.today)
        if value == "future":
            return queryset.filter(start_date__gt=self.today)
        return queryset.filter(start_date__lte=self.today, end_date__gte=self.today)


class RegistrationReviewFilter(django_filters.FilterSet):
    """注册核查申请: state, company or credit code; newest first."""

    status = django_filters.ChoiceFilter(label="状态", choices=RegistrationReview.Status.choices)
    q = TextSearch(
        label="企业名称或代码",
        fields=(
            "company_name",
            "credit_code",
            "enterprise__name",
        ),
    )
    o = Ordering(
        fields=(
            ("created_at", "created"),
            ("company_name", "company"),
            ("enterprise__name", "enterprise"),
            ("status", "status"),
        )
    )

    class Meta:
        model = RegistrationReview
        fields = ["status"]
