"""Sortable column headers for lists filtered with django-filter (``o`` is the OrderingFilter's
parameter): ``{% sort_th "期次" "period" %}`` links to ?o=period, then ?o=-period, keeping the filters."""

from typing import Any

from django import template
from django.template import Context
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_th(context: Context, label: str, field: str, css: str = "") -> SafeString:
    query = context["request"].GET.copy()
    current = query.get("o", "")
    arrow = ""
    if current == field:
        query["o"], arrow = f"-{field}", " ▲"
    elif current == f"-{field}":
        query["o"], arrow = field, " ▼"
    else:
        query["o"] = field
    query.pop("page", None)
    title = "点击按此列排序"
    return format_html(
        '<th class="sortable {}"><a href="?{}" title="{}">{}{}</a></th>',
        css,
        query.urlencode(),
        title,
        label,
        arrow,
    )


@register.simple_tag(takes_context=True)
def query_with(context: Context, **changes: Any) -> str:
    """The current query string with some parameters replaced (for an export of the filtered list)."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()
