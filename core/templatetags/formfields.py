"""``{% form_fields form %}``: the platform's form layout (``core.widgets.form_fields_html``)."""

from django import forms, template
from django.utils.safestring import SafeString

from core.widgets import form_fields_html

register = template.Library()


@register.simple_tag
def form_fields(form: forms.BaseForm | str) -> SafeString | str:
    # a template variable that is not there is "" (as the included template rendered nothing for it)
    return form_fields_html(form) if isinstance(form, forms.BaseForm) else ""
