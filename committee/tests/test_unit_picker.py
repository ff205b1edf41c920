"""Issue 19 point 6: units are offered grouped 市直部门 / 乡镇和管理区, marked for the searchable picker."""

import pytest
from django import forms

from committee.fields import UnitMultipleChoiceField
from committee.models import MemberUnit

pytestmark = pytest.mark.django_db


class PickForm(forms.Form):
    units = UnitMultipleChoiceField(label="配合单位", queryset=MemberUnit.objects.filter(active=True))


def test_units_are_grouped_and_marked_for_the_picker(policy):
    html = str(PickForm()["units"])
    assert "data-unit-picker" in html and "multiple" in html
    bureau = html.index('<optgroup label="市直部门">')
    towns = html.index('<optgroup label="乡镇和管理区">')
    assert bureau < html.index("市农业农村局") < towns < html.index("容城镇")


def test_a_choice_from_either_group_validates_and_an_unknown_id_is_refused(policy):
    town = MemberUnit.objects.get(name="容城镇")
    bureau = MemberUnit.objects.get(name="市农业农村局")
    form = PickForm(data={"units": [town.pk, bureau.pk]})
    assert form.is_valid() and set(form.cleaned_data["units"]) == {town, bureau}
    assert not PickForm(data={"units": ["999999"]}).is_valid()
