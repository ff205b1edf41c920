"""Filters and sorting of the office's application list (django-filter); the export uses the same."""

import django_filters
from django.db.models import Q

from core.filters import Ordering

from .models import Application, FundingSource, RewardItem


class ApplicationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="状态", choices=[c for c in Application.Status.choices if c[0] != Application.Status.DRAFT]
    )
    reward_item = django_filters.ModelChoiceFilter(
        label="奖励项目", queryset=RewardItem.objects.order_by("order")
    )
    funding_source = django_filters.ChoiceFilter(label="资金来源", choices=FundingSource.choices)
    year = django_filters.NumberFilter(
        label="获奖年度", field_name="award_date__year", min_value=2000, max_value=2100
    )
    q = django_filters.CharFilter(label="企业/编号", method="search", max_length=50)
    o = Ordering(
        fields=(
            ("code", "code"),
            ("enterprise__name", "enterprise"),
            ("amount_yuan", "amount"),
            ("submitted_at", "submitted"),
            ("status", "status"),
        )
    )

    class Meta:
        model = Application
        fields = ["status", "reward_item", "funding_source", "year"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(enterprise__name__icontains=value)
            | Q(enterprise__credit_code__icontains=value)
            | Q(reference__icontains=value)
            | Q(code__icontains=value)
        )
