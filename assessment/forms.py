from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from targets.validation import clean_text

from .models import AssessmentItem


class YearForm(forms.Form):
    year = forms.IntegerField(label="考核年度", min_value=2000, max_value=2100)


def _points(raw: object, label: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{label}“{raw}”不是数字。") from None
    if not value.is_finite() or not (Decimal("0.1") <= value <= Decimal(100)):
        raise ValidationError(f"{label}须在 0.1 至 100 之间。")
    if value != value.quantize(Decimal("0.1")):
        raise ValidationError(f"{label}最多保留一位小数。")
    return value


class SchemeForm(forms.Form):
    note = forms.CharField(
        label="考核说明", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def clean_note(self) -> str:
        return clean_text(self.cleaned_data["note"], label="考核说明")


class ItemForm(forms.Form):
    """One row of the scheme table; a row without a name is left out."""

    kind = forms.ChoiceField(label="扣分情形", choices=AssessmentItem.Kind.choices)
    name = forms.CharField(label="考核项目", max_length=100, required=False)
    weight = forms.CharField(label="分值", max_length=10, required=False)
    deduction = forms.CharField(label="每次扣分", max_length=10, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        name = (data.get("name") or "").strip()
        if not name:
            data["skip"] = True
            return data
        data["skip"] = False
        try:
            data["name"] = clean_text(name, label="考核项目")
        except ValidationError as exc:
            self.add_error("name", exc)
        for field, label in (("weight", "分值"), ("deduction", "每次扣分")):
            try:
                data[field] = _points(data.get(field) or "", label)
            except ValidationError as exc:
                self.add_error(field, exc)
        return data


class BaseItemFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        kinds = [f.cleaned_data["kind"] for f in self.forms if not f.cleaned_data.get("skip")]
        if not kinds:
            raise ValidationError("考核方案至少要有一个考核项目。")
        if len(kinds) != len(set(kinds)):
            raise ValidationError("同一扣分情形只能设一个考核项目。")
        total = sum(f.cleaned_data["weight"] for f in self.forms if not f.cleaned_data.get("skip"))
        if total > 100:
            raise ValidationError(f"各考核项目分值合计 {total} 分，不能超过 100 分。")


ItemFormSet = forms.formset_factory(
    ItemForm,
    formset=BaseItemFormSet,
    extra=0,
    max_num=len(AssessmentItem.Kind.choices),
    validate_max=True,
    absolute_max=len(AssessmentItem.Kind.choices),
)
