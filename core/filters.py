"""The house's sortable columns for django-filter lists (``{% sort_th %}`` in core/templatetags/listing.py)."""

import django_filters


class Ordering(django_filters.OrderingFilter):
    """``?o=field`` / ``?o=-field``; rows that tie keep the id order, so pages never shuffle."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value and any(v for v in value):
            qs = qs.order_by(*qs.query.order_by, "pk")
        return qs
