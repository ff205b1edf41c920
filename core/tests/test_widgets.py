from django import forms
from django.test.html import parse_html

from core.widgets import Select


class _Form(forms.Form):
    plain = forms.ChoiceField(choices=[("", "全部"), ("a", "甲<乙>"), ("b", "丙")], required=False)
    grouped = forms.ChoiceField(choices=[("组一", [("x", "X")]), ("y", "Y")], required=False)


class _FastForm(_Form):
    plain = forms.ChoiceField(
        choices=[("", "全部"), ("a", "甲<乙>"), ("b", "丙")], required=False, widget=Select
    )
    grouped = forms.ChoiceField(choices=[("组一", [("x", "X")]), ("y", "Y")], required=False, widget=Select)


def _normalised(html):
    return parse_html(str(html))  # compares elements, text and attributes, not attribute order


def test_the_python_select_renders_what_djangos_template_renders():
    for data in ({}, {"plain": "a", "grouped": "x"}, {"plain": "nope"}):
        stock, fast = _Form(data), _FastForm(data)
        for name in ("plain", "grouped"):
            assert _normalised(fast[name]) == _normalised(stock[name]), (data, name)
    assert "甲&lt;乙&gt;" in str(_FastForm()["plain"])
