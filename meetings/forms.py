from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from committee.fields import UnitMultipleChoiceField
from committee.models import MemberUnit
from core.fields import NamedChoiceField, ProgrammeYearField, form_field
from core.uploads import validate_upload

from .models import AgendaItem, BusinessKind, Invitation, Meeting, Topic
from .rules import current_cycle

MAX_FILES = 5


class DateInput(forms.DateInput):
    """HTML date input: the value must be ISO (YYYY-MM-DD) whatever the locale's display format."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str = "%Y-%m-%d") -> None:
        super().__init__(attrs, format=format)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str = "%H:%M") -> None:
        super().__init__(attrs, format=format)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Up to MAX_FILES PDF/JPG/PNG files, each checked by content (core.uploads)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", f"PDF、JPG、PNG，最多 {MAX_FILES} 个，每个不超过 10 MB。")
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if self.required and not files:
            raise ValidationError("请上传佐证材料。", code="required")
        if len(files) > MAX_FILES:
            raise ValidationError(f"最多上传 {MAX_FILES} 个文件。", code="too_many")
        for f in files:
            super().clean(f, initial)
            validate_upload(f)
        return files


def _active_units() -> QuerySet[MemberUnit]:
    return MemberUnit.objects.filter(active=True).order_by("order", "id")


def _follow_the_cycle(field: forms.ChoiceField) -> None:
    """The terms of the meeting rule's cycle (two a year: 上半年 / 下半年, unchanged)."""
    cycle = current_cycle()
    if cycle.per_year != 2:
        field.label = "届次"
        field.choices = [(n, cycle.term_label(n)) for n in range(1, cycle.per_year + 1)]


class MeetingCreateForm(forms.Form):
    year = ProgrammeYearField(label="年度")
    half = forms.TypedChoiceField(label="半年", choices=Meeting.Half.choices, coerce=int)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _follow_the_cycle(form_field(self, "half", forms.ChoiceField))


class MeetingForm(forms.Form):
    planned_date = forms.DateField(label="计划召开日期", widget=DateInput)
    start_time = forms.TimeField(label="开始时间", widget=TimeInput, required=False)
    place = forms.CharField(label="会议地点", max_length=200, required=False)
    topic_deadline = forms.DateField(label="议题征集截止日", widget=DateInput)
    convener_delegated = forms.BooleanField(label="由办公室主任委托副主任召集（第三条）", required=False)
    delegation_note = forms.CharField(label="委托说明", max_length=200, required=False)
    notice_number = forms.CharField(label="通知文号", max_length=50, required=False)
    notice_requirements = forms.CharField(
        label="会议要求（写入会议通知）",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class HeldForm(forms.Form):
    held_on = forms.DateField(label="实际召开日期", widget=DateInput, initial=timezone.localdate)


class GuestForm(forms.Form):
    unit = NamedChoiceField(
        label="非成员单位",
        queryset=MemberUnit.objects.filter(active=True, is_member=False),
        required=False,
        empty_label="请选择",
    )
    guest_name = forms.CharField(label="或填写单位名称", max_length=100, required=False)


class AttendanceForm(forms.Form):
    response = forms.ChoiceField(
        label="是否参加",
        choices=[(Invitation.Response.ATTENDING, "参加"), (Invitation.Response.ABSENT, "请假")],
        widget=forms.RadioSelect,
    )
    attendees = forms.CharField(label="参会人员（姓名、职务）", max_length=200, required=False)


class TopicForm(forms.Form):
    title = forms.CharField(label="议题名称", max_length=200)
    background = forms.CharField(label="背景情况", widget=forms.Textarea(attrs={"rows": 4}))
    request = forms.CharField(label="提请会议研究决定的事项", widget=forms.Textarea(attrs={"rows": 3}))
    business_kind = forms.ModelChoiceField(
        label="议事内容类别（第二条）",
        queryset=BusinessKind.objects.all(),
        required=False,
        empty_label="（可不选，由办公室确定）",
    )
    # the metaclass moves a declared field to base_fields: ``form.files`` stays the uploaded files
    files = AttachmentsField(label="附件")  # type: ignore[assignment]  # django-stubs: BaseForm.files


class TopicDecisionForm(forms.Form):
    ACTIONS = [
        ("accept", "列入议程"),
        ("merge", "合并到其他议题"),
        ("defer", "缓议（转下次会议）"),
        ("decline", "不予采纳"),
    ]

    action = forms.ChoiceField(label="处理方式", choices=ACTIONS, widget=forms.RadioSelect)
    business_kind = forms.ModelChoiceField(
        label="议事内容类别（列入议程时必选）", queryset=BusinessKind.objects.all(), required=False
    )
    into = forms.ModelChoiceField(
        label="并入议题（合并时必选）", queryset=Topic.objects.none(), required=False
    )
    reason = forms.CharField(
        label="处理意见（合并、缓议、不予采纳时必填）",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args: Any, topic: Topic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "into", forms.ModelChoiceField).queryset = Topic.objects.filter(
            meeting_id=topic.meeting_id, status=Topic.Status.ACCEPTED
        ).exclude(pk=topic.pk)
        if topic.business_kind_id:
            self.fields["business_kind"].initial = topic.business_kind_id

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        action = data.get("action")
        if action == "accept" and not data.get("business_kind"):
            self.add_error("business_kind", "列入议程时请选择议事内容类别。")
        if action == "merge" and not data.get("into"):
            self.add_error("into", "请选择要并入的议题。")
        if action in ("merge", "defer", "decline") and not (data.get("reason") or "").strip():
            self.add_error("reason", "请填写处理理由。")
        return data


class AgendaItemForm(forms.Form):
    title = forms.CharField(label="议程事项", max_length=200)
    business_kind = forms.ModelChoiceField(
        label="议事内容类别（第二条）", queryset=BusinessKind.objects.all()
    )
    presenter = forms.CharField(label="汇报单位", max_length=100, required=False)


class MinutesForm(forms.Form):
    minutes_number = forms.CharField(label="纪要编号", max_length=50, required=False)
    overview = forms.CharField(label="会议概况", widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args: Any, meeting: Meeting, items: Iterable[AgendaItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["minutes_number"].initial = meeting.minutes_number
        self.fields["overview"].initial = meeting.minutes_overview
        self.items = list(items)
        for item in self.items:
            self.fields[f"discussion_{item.pk}"] = forms.CharField(
                label=f"{item.order}. {item.title} — 讨论情况",
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                initial=item.discussion,
            )

    def discussions(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data.get(f"discussion_{item.pk}", "") for item in self.items}


class AssignmentForm(forms.Form):
    """A decision of the meeting or a task of the work plan: what, who, by when."""

    title = forms.CharField(label="事项", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    content = forms.CharField(label="具体要求", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    lead_unit = NamedChoiceField(
        label="牵头单位",
        queryset=_active_units(),
        empty_label="请选择",
        error_messages={"required": "请指定牵头单位：每项决定事项都要落实到单位。"},
    )
    co_units = UnitMultipleChoiceField(label="配合单位", queryset=_active_units(), required=False)
    deadline = forms.DateField(
        label="办理时限", widget=DateInput, error_messages={"required": "请填写办理时限。"}
    )


class ReportForm(forms.Form):
    text = forms.CharField(label="办理进展", widget=forms.Textarea(attrs={"rows": 4}))
    files = AttachmentsField(label="佐证材料")  # type: ignore[assignment]  # as TopicForm.files


class ClosureRequestForm(forms.Form):
    text = forms.CharField(label="办结情况", widget=forms.Textarea(attrs={"rows": 4}))
    files = AttachmentsField(label="佐证材料")  # type: ignore[assignment]  # as TopicForm.files


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(forms.Form):
    note = forms.CharField(label="销号意见", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class WorkPlanForm(forms.Form):
    year = ProgrammeYearField(label="年度")
    title = forms.CharField(
        label="名称",
        max_length=200,
        required=False,
        help_text="留空则按年度和本地工作名称命名（如“2026年……工作计划”）。",
    )
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class MinutesFilesField(AttachmentsField):
    """The minutes as signed on paper: PDF or Word (.docx), checked by content (core.uploads)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", f"PDF 或 Word（.docx），最多 {MAX_FILES} 个，每个不超过 10 MB。")
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if self.required and not files:
            raise ValidationError("请上传会议纪要原件。", code="required")
        if len(files) > MAX_FILES:
            raise ValidationError(f"最多上传 {MAX_FILES} 个文件。", code="too_many")
        for f in files:
            forms.FileField.clean(self, f, initial)
            validate_upload(f, kinds=("pdf", "docx"))
        return files


class HistoryMeetingForm(forms.Form):
    """历史补录: a joint meeting held before the platform."""

    year = ProgrammeYearField(label="年度")
    half = forms.TypedChoiceField(label="半年", choices=Meeting.Half.choices, coerce=int)
    held_on = forms.DateField(label="召开日期", widget=DateInput)
    place = forms.CharField(label="会议地点", max_length=200)
    attendees = forms.CharField(
        label="出席人员",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="单位、姓名、职务",
    )
    overview = forms.CharField(label="会议概况", widget=forms.Textarea(attrs={"rows": 3}))
    minutes_number = forms.CharField(label="纪要编号", max_length=50, required=False)
    files = MinutesFilesField(label="会议纪要原件")  # type: ignore[assignment]  # as TopicForm.files

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _follow_the_cycle(form_field(self, "half", forms.ChoiceField))


class MinutesFilesForm(forms.Form):
    files = MinutesFilesField(label="会议纪要原件", required=True)  # type: ignore[assignment]  # as TopicForm.files


class HistoryDecisionForm(AssignmentForm):
    """A decision of a history meeting, with its real state (办理时限 may be in the past)."""

    state = forms.ChoiceField(
        label="办理状态", choices=[("closed", "已销号"), ("signed", "办理中"), ("assigned", "未签收")]
    )
    completed_on = forms.DateField(label="办结日期（已销号时必填）", widget=DateInput, required=False)


class XlsxUploadForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        validate_upload(upload, kinds=("xlsx",), max_bytes=settings.MAX_XLSX_BYTES)
        return upload


class RefuseForm(forms.Form):
    reason = forms.CharField(label="拒签退回理由", widget=forms.Textarea(attrs={"rows": 2}))


class ReassignForm(forms.Form):
    reason = forms.CharField(label="重新交办意见", widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label="调整办理时限（可不填）", widget=DateInput, required=False)


class ExtensionRequestForm(forms.Form):
    requested_deadline = forms.DateField(label="申请延至", widget=DateInput)
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label="审批意见",
        choices=[("1", "同意延期"), ("0", "不同意延期")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    new_deadline = forms.DateField(label="批准延至（默认为申请日期）", widget=DateInput, required=False)
    note = forms.CharField(
        label="意见（不同意时必填）", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class LeaderAccountsField(forms.ModelMultipleChoiceField):
    """Unit users, shown with their unit."""

    def label_from_instance(self, obj: User) -> str:
        unit = obj.member_unit.name if obj.member_unit else ""  # a unit user always has one
        return f"{unit} · {obj.display_name}"


class FollowUpSettingForm(forms.Form):
    urge_interval_days = forms.IntegerField(label="催办间隔（天）", min_value=1, max_value=90)
    escalate_after_days = forms.IntegerField(
        label="逾期超过多少天升级（告知单位领导和办公室）", min_value=1, max_value=365
    )
    leaders: LeaderAccountsField = LeaderAccountsField(
        label="单位领导账户",
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="逾期升级时通知所选账户（各自所属单位的事项）。",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "leaders", forms.ModelMultipleChoiceField).queryset = (
            User.objects.filter(role=User.Role.UNIT, is_active=True)
            .select_related("member_unit")
            .order_by("member_unit__order", "id")
        )
