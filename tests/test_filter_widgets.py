"""Every choice in a list's filter bar renders with ``core.widgets.Select`` (the select rendered in
Python, styled as the house's, 全部 as its empty choice)."""

import django_filters

from assessment import filters as assessment_filters
from awards import filters as awards_filters
from committee import filters as committee_filters
from core.filters import Ordering
from core.widgets import Select
from meetings import filters as meetings_filters
from notifications import filters as notifications_filters
from targets import filters as targets_filters

MODULES = [
    assessment_filters,
    awards_filters,
    committee_filters,
    meetings_filters,
    notifications_filters,
    targets_filters,
]
CHOICE_FILTERS = (django_filters.ChoiceFilter, django_filters.ModelChoiceFilter, django_filters.BooleanFilter)


def _filtersets():
    for module in MODULES:
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, django_filters.FilterSet)
                and value.__module__ == module.__name__
            ):
                yield value


def test_every_choice_filter_uses_the_house_select():
    checked = []
    for filterset in _filtersets():
        for name, f in filterset.base_filters.items():
            if isinstance(f, CHOICE_FILTERS) and not isinstance(f, Ordering):
                widget = f.extra.get("widget")
                assert widget is Select or isinstance(widget, Select), f"{filterset.__name__}.{name}"
                checked.append(f"{filterset.__name__}.{name}")
    assert "ApplicationFilter.status" in checked and "MoneyChangeFilter.kind" in checked
    assert "RewardItemFilter.active" in checked
