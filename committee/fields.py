"""The unit picker: a multiple choice of member units grouped 市直部门 / 乡镇和管理区.

The widget is a plain ``<select multiple>`` with ``<optgroup>``s (works without JavaScript);
``static/js/app.js`` turns every ``select[data-unit-picker]`` into a searchable Tom Select with a
"全选本组" action per group.
"""

from collections.abc import Iterator
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue

from .models import MemberUnit

TOWN_KINDS = {MemberUnit.Kind.TOWNSHIP, MemberUnit.Kind.ZONE}
GROUPS = ("市直部门", "乡镇和管理区")


def unit_group(unit: MemberUnit) -> str:
    return GROUPS[1] if unit.kind in TOWN_KINDS else GROUPS[0]


class GroupedUnitIterator(ModelChoiceIterator):
    # optgroups: (group label, its choices), which Django's choices accept but the stubs' base does not
    def __iter__(self) -> Iterator[tuple[str, list[tuple[ModelChoiceIteratorValue, str]]]]:  # type: ignore[override]
        groups: dict[str, list[tuple[ModelChoiceIteratorValue, str]]] = {label: [] for label in GROUPS}
        for unit in self.queryset:
            groups[unit_group(unit)].append(self.choice(unit))
        for label, choices in groups.items():
            if choices:
                yield label, choices

    def __len__(self) -> int:
        return len([g for g in self])


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = GroupedUnitIterator

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            forms.SelectMultiple(
                attrs={"size": 8, "data-unit-picker": "", "data-placeholder": "输入单位名称搜索"}
            ),
        )
        super().__init__(*args, **kwargs)
