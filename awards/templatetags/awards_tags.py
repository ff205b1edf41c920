import html

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..formatting import wan as _wan
from ..validators import is_invisible

register = template.Library()


@register.filter
def wan(amount_yuan):
    """{{ application.amount_yuan|wan }} → "20 万元"."""
    return _wan(amount_yuan)


@register.filter
def yuan(amount_yuan):
    """{{ amount|yuan }} → "200,000 元"."""
    if amount_yuan is None:
        return "—"
    return f"{int(amount_yuan):,} 元"


@register.filter
def field(form, name):
    """{{ form|field:"name" }}: a bound field by name, for laying out a form in sections."""
    return form[name]


@register.filter
def as_typed(reference):
    """{{ a.reference|as_typed }}: the reference as typed, every invisible character marked ⟨U+200B⟩."""
    if not reference:
        return "—"
    if not any(is_invisible(char) for char in reference):  # the usual case: escaped once
        return escape(reference)
    parts = [
        f'<mark class="invisible-char" title="不可见字符">⟨U+{ord(char):04X}⟩</mark>'
        if is_invisible(char)
        else html.escape(char)
        for char in reference
    ]
    return mark_safe("".join(parts))  # noqa: S308 (each visible character is escaped above)
