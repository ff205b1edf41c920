"""Filters and sorting of the 督办 and meeting lists (django-filter); the exports use the same."""

from typing import TYPE_CHECKING, Any, TypedDict

import django_filters
from django.db.models import QuerySet

from committee.models import MemberUnit
from core.filters import NamedChoiceFilter, Ordering, TextSearch

from .models import FollowUpAssignment, Meeting, WorkPlan
from .status import FollowUpStatus

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def _active_units() -> QuerySet[MemberUnit]:
    return MemberUnit.objects.filter(active=True).order_by("order", "id")


class _AssignmentFilter(django_filters.FilterSet):
    """What both 督办 lists share: unit (office only), source, year, free text."""

    unit = NamedChoiceFilter(label="单位", queryset=_active_units())
    source = django_filters.ChoiceFilter(label="来源", method="by_source", choices=[])
    year = django_filters.NumberFilter(label="年度", field_name="item__year", min_value=2000, max_value=2100)
    q = TextSearch(
        label="关键词",
        fields=(
            "item__title",
            "item__content",
            "unit__name",
        ),
    )

    class Meta:
        model = FollowUpAssignment
        fields: list[str] = []

    def __init__(self, *args: Any, unit_choice: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not unit_choice:  # a member unit sees its own items only
            del self.filters["unit"]
        meetings = Meeting.objects.order_by("-year", "-half").values_list("pk", "year", "half")
        order = ["unit", "status", "phase", "source", "year", "q", "o"]  # the bar reads as the table
        self.filters: dict[str, django_filters.Filter] = {
            name: self.filters[name] for name in order if name in self.filters
        }
        self.filters["source"].extra["choices"] = [
            ("work_plan", "年度工作计划"),
            *[(f"meeting-{pk}", f"{y}年{Meeting.Half(h).label}联席会议") for pk, y, h in meetings],
        ]

    def by_source(
        self, queryset: QuerySet[FollowUpAssignment], name: str, value: str
    ) -> QuerySet[FollowUpAssignment]:
        if value == "work_plan":
            return queryset.filter(item__source="work_plan")
        if value.startswith("meeting-") and value[8:].isdigit():
            return queryset.filter(item__agenda_item__meeting_id=int(value[8:]))
        return queryset


class FollowUpFilter(_AssignmentFilter):
    # applied by the view after the per-status counts are taken (the stat cards count every status)
    status = django_filters.ChoiceFilter(label="状态", choices=FollowUpStatus.choices, method="later")
    phase = django_filters.ChoiceFilter(label="办理环节", choices=FollowUpAssignment.Phase.choices)
    o = Ordering(
        fields=(
            ("status_rank", "status"),
            ("item__title", "title"),
            ("unit__order", "unit"),
            ("deadline", "deadline"),
            ("phase", "phase"),
        )
    )

    def later(
        self, queryset: QuerySet[FollowUpAssignment], name: str, value: str
    ) -> QuerySet[FollowUpAssignment]:
        return queryset

    @property
    def status_value(self) -> str:
        return self.form.cleaned_data.get("status") or "" if self.is_bound and self.is_valid() else ""


class OverdueFilter(_AssignmentFilter):
    o = Ordering(
        fields=(
            ("item__title", "title"),
            ("unit__order", "unit"),
            ("deadline", "deadline"),  # the earliest deadline is the longest overdue
            ("phase", "phase"),
        )
    )


class MeetingFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label="年度", min_value=2000, max_value=2100)
    half = django_filters.ChoiceFilter(label="半年", choices=Meeting.Half.choices)
    status = django_filters.ChoiceFilter(label="状态", choices=Meeting.Status.choices)
    q = django_filters.CharFilter(label="地点", field_name="place", lookup_expr="icontains", max_length=50)
    o = Ordering(
        fields=(
            ("planned_date", "term"),  # one meeting per half year, planned within it
            ("status", "status"),
            ("topic_deadline", "topics"),
        )
    )

    class Meta:
        model = Meeting
        fields = ["year", "half", "status"]


class _TaskCounts(TypedDict):
    """What the work-plan list annotates (meetings.views.workplans)."""

    task_count: int
    open_count: int


class WorkPlanFilter(django_filters.FilterSet):
    """年度工作计划 (one per year): whether tasks are still open, title or note."""

    state = django_filters.ChoiceFilter(
        label="办理情况",
        choices=[("open", "有未办结分工"), ("done", "已全部办结")],
        method="by_state",
    )
    q = TextSearch(
        label="名称或说明",
        fields=(
            "title",
            "note",
        ),
    )
    o = Ordering(
        fields=(
            ("year", "year"),
            ("title", "title"),
            ("task_count", "tasks"),
            ("open_count", "open"),
        )
    )

    class Meta:
        model = WorkPlan
        fields: list[str] = []

    def by_state(
        self, queryset: "QuerySet[WithAnnotations[WorkPlan, _TaskCounts]]", name: str, value: str
    ) -> "QuerySet[WithAnnotations[WorkPlan, _TaskCounts]]":
        return queryset.filter(open_count__gt=0) if value == "open" else queryset.filter(open_count=0)
