"""历史补录 of joint meetings: by form (then agenda and decisions on the usual pages) or one xlsx."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.permissions import AuthenticatedRequest, office_required
from committee.models import MemberUnit
from core import import_views
from core.documents import xlsx_response
from core.errors import show_error
from core.files import serve_protected_file
from core.import_views import run_upload
from core.policy import policy_document

from .. import services
from ..forms import HistoryMeetingForm, MinutesFilesForm, XlsxUploadForm
from ..models import Meeting, MinutesFile
from ..permissions import can_see_minutes, get_meeting_for_user, meetings_user_required
from ..services.history import (
    DECISION_COLUMNS,
    DECISION_SHEET,
    MEETING_COLUMNS,
    MEETING_SHEET,
    HistoryImporter,
    term_label,
)
from ._helpers import perform_form, perform_in_form
from .minutes import minutes_page


@office_required
def history_create(request: AuthenticatedRequest) -> HttpResponse:
    form = HistoryMeetingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        meeting = perform_in_form(
            request,
            form,
            services.meeting_history_create,
            success=lambda m: f"已录入{m.title}（历史补录）。请添加议题和决定事项，核对后点击“完成补录”。",
            **form.cleaned_data,
        )
        if meeting:
            return redirect(meeting)
    history = Meeting.objects.filter(is_history=True).order_by("year", "half")
    return render(request, "meetings/history_form.html", {"form": form, "history": history})


@office_required
def history_import(request: AuthenticatedRequest) -> HttpResponse:
    form = XlsxUploadForm(request.POST or None, request.FILES or None)
    done, preview, status = run_upload(request, form, kind=HistoryImporter.kind)
    if done:
        return done
    return render(request, "meetings/history_import.html", {"form": form, "preview": preview}, status=status)


@require_POST
@office_required
def history_import_confirm(request: AuthenticatedRequest) -> HttpResponse:
    """The confirm button of the first version of this page: the office member's latest import."""
    return import_views.confirm_latest(
        request, kind=HistoryImporter.kind, upload_url="meetings:history_import"
    )


@office_required
def history_template(request: AuthenticatedRequest) -> HttpResponse:
    meeting_headers = [label for _key, label in MEETING_COLUMNS]
    decision_headers = [label for _key, label in DECISION_COLUMNS]
    # the example names the active pack's office and one of its member units
    office_unit = policy_document().office_unit or "牵头单位"
    lead = (
        MemberUnit.objects.exclude(name=office_unit)
        .order_by("order", "id")
        .values_list("name", flat=True)
        .first()
    )
    lead = lead or "责任单位"
    sheets = [
        (
            MEETING_SHEET,
            meeting_headers,
            [
                [
                    term_label(2023, 1),
                    "2023-06-16",
                    f"{office_unit}会议室",
                    "各成员单位分管负责同志",
                    "会议听取了……",
                    "××〔2023〕1号",
                ]
            ],
        ),
        (
            DECISION_SHEET,
            decision_headers,
            [
                [
                    term_label(2023, 1),
                    "推进地理标志产品保护",
                    office_unit,
                    "第二条(三)",
                    "会议讨论了……",
                    "完成大米地理标志申报材料",
                    "",
                    lead,
                    office_unit,
                    "2023-09-30",
                    "已销号",
                    "2023-09-20",
                ]
            ],
        ),
    ]
    return xlsx_response(sheets, "历史联席会议导入模板.xlsx")


@require_POST
@office_required
def history_finalize(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    try:
        services.meeting_history_finalize(meeting=meeting, by=request.user)
    except ValidationError as exc:
        show_error(request, exc)
    else:
        messages.success(request, f"{meeting.title}补录完成，决定事项已按实际状态列入督办。")
    return redirect("meetings:minutes", pk=meeting.pk)


@require_POST
@office_required
def minutes_files_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    form = MinutesFilesForm(request.POST, request.FILES)
    done = perform_form(
        request, form, services.meeting_history_add_files, meeting=meeting, success="纪要原件已上传。"
    )
    if done is None and getattr(form, "storage_failed", False):
        return minutes_page(request, meeting, files_form=form)
    return redirect("meetings:minutes", pk=meeting.pk)


@meetings_user_required
def minutes_file(request: AuthenticatedRequest, pk: int) -> FileResponse:
    f = get_object_or_404(MinutesFile, pk=pk)
    meeting = get_meeting_for_user(request.user, f.meeting_id)
    if not can_see_minutes(request.user, meeting):
        raise Http404("会议纪要尚未发布")
    return serve_protected_file(f.file, filename=f.name)
