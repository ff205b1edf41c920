from django import template
from django.forms import BaseForm, BoundField
from django.utils.safestring import SafeString

from ..formatting import as_typed as _as_typed
from ..formatting import wan as _wan

register = template.Library()


@register.filter
def wan(amount_yuan: int | None) -> str:
    """{{ application.amount_yuan|wan }} → "20 万元"."""
    return _wan(amount_yuan)


@register.filter
def yuan(amount_yuan: int | None) -> str:
    """{{ amount|yuan }} → "200,000 元"."""
    if amount_yuan is None:
        return "—"
    return f"{int(amount_yuan):,} 元"


@register.filter
def field(form: BaseForm, name: str) -> BoundField:
    """{{ form|field:"name" }}: a bound field by name, for laying out a form in sections."""
    return form[name]


@register.filter
def as_typed(reference: str | None) -> SafeString | str:
    """{{ a.reference|as_typed }}: the reference as typed, every invisible character marked ⟨U+200B⟩."""
    return _as_typed(reference)
