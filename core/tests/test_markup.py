"""core.markup escapes as Django's autoescape does, whatever the type of the value."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from core.markup import esc, markup

HOSTILE = "<script>alert('x')</script> & \"引号\""


@pytest.mark.parametrize(
    "value",
    [
        HOSTILE,
        "普通文字",
        "",
        12345,
        -7,
        True,
        None,
        Decimal("12.50"),
        gettext_lazy("<b>lazy</b>"),
        mark_safe("<b>safe</b>"),  # noqa: S308 (the point of the test)
        SafeString("<i>safe</i>"),
    ],
)
def test_esc_is_what_the_template_writes(value):
    # dates are not among them: the row builders format those themselves (core.dates.table_date)
    assert esc(value) == Template("{{ value }}").render(Context({"value": value}))


def test_markup_escapes_every_argument_but_not_the_template():
    html = markup('<td class="x">{}</td><td>{name}</td>', HOSTILE, name=12)
    assert isinstance(html, SafeString)
    assert html.startswith('<td class="x">&lt;script&gt;') and "&#x27;x&#x27;" in html
    assert html.endswith("<td>12</td>")
