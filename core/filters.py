"""The house's sortable columns for django-filter lists (``{% sort_th %}`` in core/templatetags/listing.py)."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from .fields import NamedChoiceIterator


class Ordering(django_filters.OrderingFilter):
    """``?o=field`` / ``?o=-field``; rows that tie keep the id order, so pages never shuffle."""

    def filter(self, qs: QuerySet, value: list[str] | None) -> QuerySet:
        qs = super().filter(qs, value)
        if value and any(v for v in value):
            qs = qs.order_by(*qs.query.order_by, "pk")
        return qs


class TextSearch(django_filters.CharFilter):
    """A free-text box (``?q=``) matching any of ``fields`` (case-insensitive ``icontains``): the one
    way a list searches, instead of a ``search`` method per FilterSet."""

    def __init__(self, *, fields: tuple[str, ...], max_length: int = 50, **kwargs: Any) -> None:
        self.search_fields = fields
        super().__init__(max_length=max_length, **kwargs)

    def filter(self, qs: QuerySet, value: str | None) -> QuerySet:
        if value in (None, ""):
            return qs
        match = Q()
        for field in self.search_fields:
            match |= Q(**{f"{field}__icontains": value})
        return qs.filter(match)


class _NamedFilterIterator(django_filters.fields.ModelChoiceIterator, NamedChoiceIterator):
    """django-filter's iterator (its optional null choice) over ``NamedChoiceIterator``'s rows."""


class NamedChoiceFilterField(django_filters.fields.ModelChoiceField):
    iterator = _NamedFilterIterator
    label_field = "name"


class NamedChoiceFilter(django_filters.ModelChoiceFilter):
    """``ModelChoiceFilter`` whose select is a ``core.fields.NamedChoiceField``'s (rows read once, no
    model per option): for models shown by their ``name``."""

    field_class = NamedChoiceFilterField
