"""Filters and sorting of the assessment schemes (django-filter)."""

import django_filters

from core.filters import Ordering

from .models import AssessmentScheme


class SchemeFilter(django_filters.FilterSet):
    """年度督查考核, one scheme per year: published or not; newest year first."""

    status = django_filters.ChoiceFilter(label="状态", choices=AssessmentScheme.Status.choices)
    o = Ordering(fields=(("year", "year"), ("status", "status"), ("published_at", "published")))

    class Meta:
        model = AssessmentScheme
        fields = ["status"]
