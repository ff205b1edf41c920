"""Fields shared by the apps: a model field for who acted, a form field for a year of the programme."""

from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from .policy import first_year


def user_field(verbose_name: str) -> models.ForeignKey:
    """Who did something: kept as history when the account goes (SET_NULL), no reverse accessor."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


class ProgrammeYearField(forms.IntegerField):
    """A year of the programme (年度): from the year of the loaded policy document (the pack's, read
    when the form is validated) to 2100."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_value", 2100)
        super().__init__(**kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        start = first_year()
        if value is not None and value < start:
            raise ValidationError(f"年度不能早于 {start} 年（政策自该年起施行）。", code="min_value")


_Field = TypeVar("_Field", bound=forms.Field)


def form_field(form: forms.BaseForm, name: str, kind: type[_Field]) -> _Field:
    """``form.fields[name]`` as the kind of field the form declares it (to set its choices or queryset)."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field
