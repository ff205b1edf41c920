"""Form widgets rendered in Python where Django's templates cost more than the page around them."""

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


class Select(forms.Select):
    """``forms.Select`` with the same markup, its options rendered here.

    Django's select template includes one template per option: on a picker of sixty member units
    that costs more than the rest of a list page.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts: list[str] = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            parts.extend(
                f'<option value="{escape(o["value"])}"{_option_attrs(o["attrs"])}>{escape(o["label"])}</option>'
                for o in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every value and label is escaped)


def _option_attrs(attrs: dict) -> str:
    if not attrs:
        return ""
    if attrs == {"selected": True}:
        return " selected"
    return flatatt(attrs)
