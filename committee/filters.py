"""Filters and sorting of the member-unit list (django-filter)."""

import django_filters
from django.db.models import QuerySet

from core.filters import Ordering, TextSearch

from .models import MemberUnit


class UnitFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label="类别", choices=MemberUnit.Kind.choices)
    member = django_filters.ChoiceFilter(
        label="成员单位",
        choices=[("yes", "委员会成员单位"), ("no", "非成员单位")],
        method="by_member",
    )
    q = TextSearch(
        label="单位名称",
        fields=(
            "name",
            "full_name",
        ),
    )
    o = Ordering(
        fields=(
            ("order", "name"),  # the order of 附件1, not the pinyin of the short name
            ("kind", "kind"),
            ("contact_count", "contacts"),
            ("user_count", "users"),
        ),
        field_labels={"order": "单位"},
    )

    class Meta:
        model = MemberUnit
        fields = ["kind"]

    def by_member(self, queryset: QuerySet[MemberUnit], name: str, value: str) -> QuerySet[MemberUnit]:
        return queryset.filter(is_member=value == "yes")
