"""Issue 19 point 9: no Django placeholder dashes or internal keys on pages."""

import pytest
from django.forms import modelform_factory

from targets.models import TargetOwner

pytestmark = pytest.mark.django_db


def test_empty_choices_read_qing_xuanze_not_dashes():
    form = modelform_factory(TargetOwner, fields=["target", "unit", "role"])()
    html = str(form)
    assert "---------" not in html
    assert html.count("请选择") >= 2  # the foreign keys and the choices field
