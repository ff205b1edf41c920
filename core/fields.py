"""Fields shared by the apps: a model field for who acted, a form field for a year of the programme, a
select of named rows."""

from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import ModelChoiceIterator

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


class NamedChoiceIterator(ModelChoiceIterator):
    """The options of a ``NamedChoiceField``: (key, name) rows read once per form with ``values_list``.

    Django's iterator builds a model per option and runs the query each time the select is iterated:
    once to render it and once more to decide on its ``required`` attribute."""

    def __init__(self, field: Any) -> None:  # a NamedChoiceField or core.filters.NamedChoiceFilterField
        super().__init__(field)
        self._rows: list[tuple[Any, str]] | None = None

    def rows(self) -> list[tuple[Any, str]]:
        if self._rows is None:
            key, label = self.field.to_field_name or "pk", getattr(self.field, "label_field", "name")
            self._rows = list(self.queryset.values_list(key, label))
        return self._rows

    def __iter__(self):  # type: ignore[no-untyped-def]  # as Django's (django-stubs types it loosely)
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.rows()

    def __len__(self) -> int:
        return len(self.rows()) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self.rows())


class NamedChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` for models shown by one column (``label_field``, ``name`` unless given):
    the same select and the same validation against the queryset, its options read once per form as
    plain rows. Only for models whose ``str()`` is that column."""

    iterator = NamedChoiceIterator

    def __init__(self, *args: Any, label_field: str = "name", **kwargs: Any) -> None:
        self.label_field = label_field
        super().__init__(*args, **kwargs)
