"""Filters and sorting of the report list (django-filter)."""

from typing import Any

import django_filters
from django import forms
from django.http import QueryDict

from committee.models import MemberUnit
from core.filters import NamedChoiceFilter, Ordering, TextSearch

from .models import Plan, Report, ReportingPeriod


class ReportFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label="状态", choices=Report.Status.choices)
    unit = NamedChoiceFilter(label="单位", queryset=MemberUnit.objects.filter(active=True))
    year = django_filters.NumberFilter(
        label="年度", field_name="period__year", min_value=2000, max_value=2100
    )
    half = django_filters.ChoiceFilter(
        label="半年",
        field_name="period__half",
        choices=ReportingPeriod._meta.get_field("half").choices,
    )
    plan = NamedChoiceFilter(label="规划", field_name="period__plan", queryset=Plan.objects.all())
    q = TextSearch(
        label="关键词",
        fields=(
            "unit__name",
            "summary",
            "return_comment",
        ),
    )
    o = Ordering(
        fields=(
            ("period__due_date", "period"),
            ("unit__order", "unit"),
            ("status", "status"),
            ("first_submitted_at", "submitted"),
        )
    )

    class Meta:
        model = Report
        fields = ["status", "unit", "year", "half", "plan"]

    def __init__(self, *args: Any, unit_choice: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not unit_choice:  # a member unit sees its own reports only
            del self.filters["unit"]


class PeriodFilter(django_filters.FilterSet):
    """报送期次 of one plan (the current one unless another is chosen), latest first."""

    plan = NamedChoiceFilter(
        # its own id: the page's 开放期次 form has a plan field too
        widget=forms.Select(attrs={"id": "plan-switch", "data-autosubmit": "", "aria-label": "规划"}),
        label="规划",
        queryset=Plan.objects.all(),
        empty_label=None,
    )
    o = Ordering(fields=(("due_date", "due"),))

    class Meta:
        model = ReportingPeriod
        fields: list[str] = []

    def __init__(
        self, data: QueryDict | dict[str, Any], *args: Any, default_plan: Plan | None, **kwargs: Any
    ) -> None:
        if default_plan is not None and not data.get("plan"):
            data = data.copy()
            data["plan"] = str(default_plan.pk)  # as a query string gives it
        super().__init__(data, *args, **kwargs)
        self.default_plan = default_plan

    @property
    def chosen_plan(self) -> Plan | None:
        """The plan asked for; an unknown one is a form error and the current plan is shown."""
        return self.form.cleaned_data["plan"] if self.is_valid() else self.default_plan
