from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from core.fields import NamedChoiceField
from core.uploads import validate_upload

from .models import MemberUnit, Role


class DateInput(forms.DateInput):
    """HTML date input: the value must be ISO (YYYY-MM-DD) whatever the locale's display format."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str = "%Y-%m-%d") -> None:
        super().__init__(attrs, format=format)


class ReplaceForm(forms.Form):
    person_name = forms.CharField(label="新任人员姓名", max_length=50)
    start_date = forms.DateField(
        label="新任职起始日", widget=DateInput, help_text="现任人员的任期截至前一日。"
    )
    note = forms.CharField(label="备注（文号等）", max_length=200, required=False)

    def clean_person_name(self) -> str:
        return self.cleaned_data["person_name"].replace(" ", "").replace("\u3000", "")


class SeatCreateForm(forms.Form):
    role = forms.ModelChoiceField(label="职务", queryset=Role.objects.all(), empty_label=None)
    unit = NamedChoiceField(label="单位", queryset=MemberUnit.objects.filter(active=True))
    title = forms.CharField(label="职务名称", max_length=100, help_text="单位内的职务，如“局长”“镇长”。")
    order = forms.IntegerField(
        label="排序", min_value=0, initial=0, help_text="附件1 中的顺序（10、20、30……）。"
    )
    person_name = forms.CharField(label="姓名", max_length=50, required=False)
    start_date = forms.DateField(label="任职起始日", widget=DateInput, initial=timezone.localdate)


class SeatRetireForm(forms.Form):
    end_date = forms.DateField(label="撤销日期（现任人员任期截止日）", widget=DateInput)


class ContactForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    position = forms.CharField(label="职务", max_length=50, required=False)
    phone = forms.CharField(label="办公电话", max_length=30, required=False)
    mobile = forms.RegexField(
        label="手机",
        regex=r"^1\d{10}$",
        required=False,
        error_messages={"invalid": "请填写 11 位手机号码。"},
    )
    email = forms.EmailField(label="电子邮箱", required=False)
    is_primary = forms.BooleanField(label="主要联络员", required=False)
    order = forms.IntegerField(label="排序", min_value=0, initial=0, required=False)

    def clean_order(self) -> int:
        return self.cleaned_data.get("order") or 0


class RosterImportForm(forms.Form):
    file = forms.FileField(
        label="名单文件（.xlsx）",
        help_text="列：排序、职务、单位、职务名称、姓名、任职起始日。可先“导出 Excel”作为模板。",
    )

    def clean_file(self) -> UploadedFile:
        uploaded = self.cleaned_data["file"]
        validate_upload(uploaded, kinds=("xlsx",), max_bytes=settings.MAX_XLSX_BYTES)
        return uploaded
