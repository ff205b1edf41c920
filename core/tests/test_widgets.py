"""``core.widgets.FormRenderer`` renders what Django's widget templates render, for every widget type it
takes over, and leaves the others (and overridden templates) to Django."""

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test.html import parse_html
from django.utils.safestring import mark_safe

from core.widgets import FormRenderer


class _Everything(forms.Form):
    text = forms.CharField(required=False, max_length=20, help_text="x")
    number = forms.DecimalField(required=False, min_value=0, decimal_places=2)
    integer = forms.IntegerField(required=False)
    email = forms.EmailField(required=False)
    url = forms.URLField(required=False)
    password = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    when = forms.DateTimeField(required=False)
    time = forms.TimeField(required=False)
    search = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "search", "data-x": True}))
    agree = forms.BooleanField(required=False)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3, "disabled": False}))
    choice = forms.ChoiceField(choices=[("", "全部"), ("a", "甲<乙>"), ("b", '丙"丁')], required=False)
    grouped = forms.ChoiceField(choices=[("组一", [("x", "X"), ("z", "Z")]), ("y", "Y")], required=False)
    many = forms.MultipleChoiceField(choices=[("1", "一"), ("2", "二")], required=False)
    yes_no = forms.NullBooleanField(required=False)
    radio = forms.ChoiceField(choices=[("r", "R")], required=False, widget=forms.RadioSelect)
    upload = forms.FileField(required=False)


BOUND = [
    {},
    {
        "text": "<b>粗</b> & \"引\" '号'",
        "number": "12.50",
        "integer": "0",
        "email": "a@b.cn",
        "url": "https://example.cn/?a=1&b=2",
        "password": "p<w>",
        "hidden": "h&",
        "date": "2026-12-02",
        "when": "2026-12-02 08:00",
        "time": "08:30",
        "search": "查",
        "agree": "on",
        "note": "第一行\n<第二行>",
        "choice": "a",
        "grouped": "z",
        "many": ["1", "2"],
        "yes_no": "true",
        "radio": "r",
    },
    {"choice": "nope", "integer": "x", "note": ""},
]


def _render(form_data, renderer):
    form = _Everything(
        form_data or None, initial={"date": dt.date(2026, 1, 5), "text": mark_safe("<i>safe</i>")}
    )
    form.renderer = renderer
    if form_data:
        form.is_valid()
    return {name: str(form[name]) for name in form.fields}


@pytest.mark.parametrize("data", BOUND, ids=["unbound", "bound", "invalid"])
def test_every_widget_renders_what_djangos_templates_render(data):
    stock, fast = _render(data, DjangoTemplates()), _render(data, FormRenderer())
    for name in _Everything.base_fields:
        assert parse_html(fast[name]) == parse_html(stock[name]), name


def test_values_and_labels_are_escaped():
    html = _render(BOUND[1], FormRenderer())
    assert "&lt;b&gt;粗&lt;/b&gt; &amp; &quot;引&quot; &#x27;号&#x27;" in html["text"]
    assert "甲&lt;乙&gt;" in html["choice"] and "丙&quot;丁" in html["choice"]
    assert "\n&lt;第二行&gt;</textarea>" in html["note"]


def test_the_python_path_is_taken_for_the_common_widgets_only():
    renderer = FormRenderer()
    assert "django/forms/widgets/select.html" in renderer.python_renderers
    assert "django/forms/widgets/text.html" in renderer.python_renderers
    assert "django/forms/widgets/radio.html" not in renderer.python_renderers  # Django's template


def test_an_overridden_widget_template_is_rendered_from_the_override(tmp_path, settings):
    (tmp_path / "django" / "forms" / "widgets").mkdir(parents=True)
    (tmp_path / "django" / "forms" / "widgets" / "text.html").write_text('<input class="overridden">')

    class Renderer(FormRenderer):
        @property
        def engine(self):
            return self.backend(
                {
                    "APP_DIRS": False,
                    "DIRS": [tmp_path, *DjangoTemplates().engine.dirs],
                    "NAME": "t",
                    "OPTIONS": {},
                }
            )

    renderer = Renderer()
    assert "django/forms/widgets/text.html" not in renderer.python_renderers
    form = _Everything()
    form.renderer = renderer
    assert str(form["text"]) == '<input class="overridden">'


def test_the_project_uses_it(settings):
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FormRenderer)


# partials/form_fields.html as it was written in the template language, before core.widgets took it over
_FORM_FIELDS_TEMPLATE = """{% if form.non_field_errors %}<div class="form-errors">{% for e in form.non_field_errors %}<div>{{ e }}</div>{% endfor %}</div>{% endif %}
{% for field in form.hidden_fields %}{{ field }}{% endfor %}
{% for field in form.visible_fields %}
  <div class="field{% if field.field.required %} required{% endif %}{% if field.errors %} has-error{% endif %}">
    {% if field.field.widget.input_type == "checkbox" %}
      <label>{{ field }} {{ field.label }}</label>
    {% else %}
      <label for="{{ field.id_for_label }}">{{ field.label }}</label>
      {{ field }}
    {% endif %}
    {% if field.help_text %}<div class="help">{{ field.help_text|safe }}</div>{% endif %}
    {% if field.errors %}<ul class="field-error">{% for e in field.errors %}<li>{{ e }}</li>{% endfor %}</ul>{% endif %}
  </div>
{% endfor %}"""


class _Layout(forms.Form):
    name = forms.CharField(label="名称<必填>", max_length=5, help_text="例如<b>监利</b>")
    count = forms.IntegerField(label="数量", required=False, min_value=1)
    agree = forms.BooleanField(label="我已阅读 & 同意")
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(label="说明", widget=forms.Textarea, required=False)

    def clean(self):
        if self.data.get("count") == "9":
            raise forms.ValidationError("数量与名称不符 <请核对>")
        return super().clean()


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"name": "好", "agree": "on", "token": "t&"},
        {"name": "超过五个字的名称", "count": "0"},
        {"count": "9"},
    ],
    ids=["unbound", "valid", "field errors", "form error"],
)
def test_form_fields_writes_what_the_template_wrote(data):
    from django.template import Context, Template

    from core.widgets import form_fields_html

    form = _Layout(data)
    if data:
        form.is_valid()
    expected = Template(_FORM_FIELDS_TEMPLATE).render(Context({"form": form}))
    assert parse_html(str(form_fields_html(form))) == parse_html(expected)
    if data and data.get("count") == "9":
        assert "&lt;请核对&gt;" in form_fields_html(form)


def test_the_form_fields_partial_renders_nothing_for_a_missing_form():
    from django.template.loader import render_to_string

    assert render_to_string("partials/form_fields.html", {}).strip() == ""
    assert 'name="name"' in render_to_string("partials/form_fields.html", {"form": _Layout()})
