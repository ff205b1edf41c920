"""``{% history_link obj %}``: a link to an object's audit trail, for the office only.

It lives with the role checks (``accounts`` sits below every feature app, whose templates load it);
the page it links to is ``portal.views.object_history``.
"""

from typing import Any

from django import template
from django.db.models import Model
from django.urls import reverse

from accounts.permissions import is_office

register = template.Library()


@register.inclusion_tag("core/_history_link.html", takes_context=True)
def history_link(context: template.Context, obj: Model | None, label: str = "修改记录") -> dict[str, Any]:
    """A link to the object's audit trail, shown to office staff only."""
    user = context["request"].user
    url = None
    if obj is not None and is_office(user):
        url = reverse("core:object_history", args=[obj._meta.label_lower, obj.pk])
    return {"url": url, "label": label}
