"""``NamedChoiceField`` / ``NamedChoiceFilter``: the select Django's ModelChoiceField renders, from one
query of plain rows, and the same validation against the queryset."""

import django_filters
import pytest
from django import forms
from django.db import connection
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext

from committee.models import MemberUnit
from core.fields import NamedChoiceField
from core.filters import NamedChoiceFilter
from tests.factories import MemberUnitFactory

pytestmark = pytest.mark.django_db


def _active():
    return MemberUnit.objects.filter(active=True).order_by("order", "id")


class _Django(forms.Form):
    unit = forms.ModelChoiceField(queryset=_active(), empty_label="全部单位", required=False)
    lead = forms.ModelChoiceField(queryset=_active(), empty_label=None)


class _Named(forms.Form):
    unit = NamedChoiceField(queryset=_active(), empty_label="全部单位", required=False)
    lead = NamedChoiceField(queryset=_active(), empty_label=None)


class _Filter(django_filters.FilterSet):
    unit = NamedChoiceFilter(queryset=_active(), method="chosen")

    class Meta:
        model = MemberUnit
        fields: list[str] = []

    def chosen(self, queryset, name, value):
        return queryset.filter(pk=value.pk)


@pytest.fixture
def units():
    made = [MemberUnitFactory(name=name, order=i) for i, name in enumerate(["市<局>", '乡"镇"', "第三单位"])]
    MemberUnitFactory(name="已撤销单位", order=9, active=False)
    return made


@pytest.mark.parametrize(
    "data, initial",
    [(None, {}), (None, {"lead": "unit:1"}), ({"unit": "unit:2", "lead": "unit:0"}, {}), ({"unit": "x"}, {})],
)
def test_renders_what_django_renders(units, data, initial):
    def resolve(value):  # "unit:i" → the i-th unit's pk (the fixture's ids differ from run to run)
        return units[int(value[5:])].pk if value.startswith("unit:") else value

    data = {k: str(resolve(v)) for k, v in data.items()} if data is not None else None
    initial = {k: units[int(v[5:])] for k, v in initial.items()}  # a model instance, as views pass it
    django_form, named_form = _Django(data, initial=initial), _Named(data, initial=initial)
    for name in ("unit", "lead"):
        assert parse_html(str(named_form[name])) == parse_html(str(django_form[name]))
    assert "已撤销单位" not in str(named_form["unit"])


def test_one_query_per_select_and_no_model_per_option(units, monkeypatch):
    built = []
    original = MemberUnit.__init__

    def counting_init(self, *args, **kwargs):
        built.append(1)
        original(self, *args, **kwargs)

    expected = _active().count()
    form = _Named()
    monkeypatch.setattr(MemberUnit, "__init__", counting_init)
    with CaptureQueriesContext(connection) as queries:
        html = str(form["lead"])  # the required attribute looks at the first option, then it renders
        str(form["lead"])
    assert len(queries.captured_queries) == 1
    assert built == []
    assert html.count("<option") == expected


def test_validates_against_the_queryset(units):
    inactive = MemberUnit.objects.get(name="已撤销单位")
    for bad in (str(inactive.pk), "999999", "abc"):
        form = _Named({"lead": bad})
        assert not form.is_valid()
        assert form.errors["lead"] == _Django({"lead": bad}).errors["lead"]
    form = _Named({"lead": str(units[1].pk)})
    assert form.is_valid()
    assert form.cleaned_data["lead"] == units[1]  # still the model instance


def test_filter_offers_the_rows_and_filters_by_the_chosen_one(units):
    filterset = _Filter({"unit": str(units[2].pk)}, queryset=MemberUnit.objects.all())
    html = str(filterset.form["unit"])
    assert [o for o in ("市&lt;局&gt;", "乡&quot;镇&quot;", "第三单位") if o in html] == [
        "市&lt;局&gt;",
        "乡&quot;镇&quot;",
        "第三单位",
    ]
    assert f'<option value="{units[2].pk}" selected>' in html
    assert list(filterset.qs) == [units[2]]
    refused = _Filter({"unit": "999999"}, queryset=MemberUnit.objects.all())
    assert not refused.is_valid() and "unit" in refused.errors
