"""The form renderer (``FORM_RENDERER``): the common widgets rendered in Python, the rest by Django.

Django renders every widget through its template engine: an ``<input>`` is two templates, a
``<select>`` one template per option. On a filter bar of five fields and a picker of sixty member
units that costs more than the rest of a list page. ``FormRenderer`` produces the same markup as
Django's widget templates for inputs (text, number, date, hidden, checkbox, …), ``<textarea>`` and
``<select>``; any other template — and any widget template a project or app overrides — goes through
Django's own ``DjangoTemplates`` renderer unchanged. ``core/tests/test_widgets.py`` compares both
renderers on every widget type.
"""

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import django.forms
from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe

from .markup import esc

_INPUT_TYPES = (
    "checkbox",
    "color",
    "date",
    "datetime",
    "email",
    "file",
    "hidden",
    "input",
    "number",
    "password",
    "search",
    "tel",
    "text",
    "time",
    "url",
)


def _attrs(attrs: Mapping[str, Any]) -> str:
    """django/forms/widgets/attrs.html: ``False`` drops the attribute, ``True`` writes its bare name."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {esc(name)}")
        else:
            parts.append(f' {esc(name)}="{esc(value)}"')
    return "".join(parts)


def _input(widget: dict[str, Any]) -> str:
    value = "" if widget["value"] is None else f' value="{esc(widget["value"])}"'
    return (
        f'<input type="{esc(widget["type"])}" name="{esc(widget["name"])}"{value}{_attrs(widget["attrs"])}>'
    )


def _textarea(widget: dict[str, Any]) -> str:
    value = esc(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{esc(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _select(widget: dict[str, Any]) -> str:
    parts = [f'<select name="{esc(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{esc(group_name)}">')
        for option in options:
            if option["template_name"] != "django/forms/widgets/select_option.html":
                raise _Unsupported
            parts.append(
                f'\n  <option value="{esc(option["value"])}"{_attrs(option["attrs"])}>'
                f"{esc(option['label'])}</option>"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class _Unsupported(Exception):
    """A context this module does not render (a custom option template): Django renders it."""


_RENDERERS: dict[str, Callable[[dict[str, Any]], str]] = {
    **{f"django/forms/widgets/{name}.html": _input for name in _INPUT_TYPES},
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/select.html": _select,
}


_DJANGO_TEMPLATES = Path(django.forms.__file__).resolve().parent / "templates"


class FormRenderer(DjangoTemplates):
    """``DjangoTemplates`` with the common widget templates rendered in Python (same markup)."""

    @cached_property
    def python_renderers(self) -> dict[str, Callable[[dict[str, Any]], str]]:
        """The Python renderers of the templates that are Django's own here: a widget template an app
        overrides is rendered from that template."""

        def djangos(name: str) -> bool:
            return Path(self.get_template(name).origin.name).resolve().is_relative_to(_DJANGO_TEMPLATES)

        if not all(
            djangos(f"django/forms/widgets/{name}.html") for name in ("attrs", "input", "select_option")
        ):
            return {}
        return {name: python for name, python in _RENDERERS.items() if djangos(name)}

    def render(self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None) -> str:
        python = self.python_renderers.get(template_name)
        if python is not None and "widget" in context:
            try:
                return python(context["widget"])
            except _Unsupported:
                pass
        return super().render(template_name, context, request=request)


def form_fields_html(form: django.forms.BaseForm) -> SafeString:
    """``partials/form_fields.html``: a form's errors, hidden fields and one ``div.field`` per visible
    field (label, widget, help text, errors), written at once instead of a dozen template nodes a field.
    ``core/tests/test_widgets.py`` compares it with the template it replaced."""
    parts = []
    errors = form.non_field_errors()
    if errors:
        parts.append('<div class="form-errors">' + "".join(f"<div>{esc(e)}</div>" for e in errors) + "</div>")
    parts.append("\n")
    parts.extend(str(field) for field in form.hidden_fields())
    parts.append("\n")
    for field in form.visible_fields():
        classes = (
            "field" + (" required" if field.field.required else "") + (" has-error" if field.errors else "")
        )
        if getattr(field.field.widget, "input_type", None) == "checkbox":
            control = f"<label>{field} {esc(field.label)}</label>"
        else:
            control = f'<label for="{esc(field.id_for_label)}">{esc(field.label)}</label>\n{field}'
        help_text = f'<div class="help">{field.help_text}</div>' if field.help_text else ""
        field_errors = (
            '<ul class="field-error">' + "".join(f"<li>{esc(e)}</li>" for e in field.errors) + "</ul>"
            if field.errors
            else ""
        )
        parts.append(f'<div class="{classes}">\n{control}\n{help_text}\n{field_errors}\n</div>\n')
    return mark_safe("".join(parts))  # noqa: S308 (labels and errors escaped; widgets are Django's markup)
