"""历史补录 of joint meetings: by form (then agenda and decisions on the usual pages) or one xlsx."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.permissions import office_required
from core.documents import xlsx_response
from core.files import serve_protected_file

from .. import services
from ..forms import HistoryMeetingForm, MinutesFilesForm, XlsxUploadForm
from ..models import Meeting, MinutesFile
from ..permissions import can_see_minutes, get_meeting_for_user, meetings_user_required
from ..services.history import DECISION_COLUMNS, DECISION_SHEET, MEETING_COLUMNS, MEETING_SHEET
from ._helpers import perform_form, perform_in_form

SESSION_KEY = "meetings_history_import"


@office_required
def history_create(request):
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
def history_import(request):
    form = XlsxUploadForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            preview = services.history_import_preview(upload=upload)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if preview.ok:
                request.session[SESSION_KEY] = {
                    "name": upload.name[:100],
                    "meetings": [m.to_json() for m in preview.meetings],
                }
            else:
                request.session.pop(SESSION_KEY, None)
    return render(request, "meetings/history_import.html", {"form": form, "preview": preview})


@require_POST
@office_required
def history_import_confirm(request):
    pending = request.session.get(SESSION_KEY)
    if not pending:
        messages.error(request, "没有待确认的导入，请重新上传文件。")
        return redirect("meetings:history_import")
    meetings = [services.HistoryMeeting.from_json(m) for m in pending["meetings"]]
    try:
        created = services.history_import_confirm(meetings=meetings, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("meetings:history_import")
    request.session.pop(SESSION_KEY, None)
    decisions = sum(m.decision_count for m in meetings)
    messages.success(request, f"已导入 {len(created)} 次历史联席会议、{decisions} 项决定事项。")
    return redirect("meetings:history_create")


@office_required
def history_template(request):
    meeting_headers = [label for _key, label in MEETING_COLUMNS]
    decision_headers = [label for _key, label in DECISION_COLUMNS]
    sheets = [
        (
            MEETING_SHEET,
            meeting_headers,
            [
                [
                    "2023年上半年",
                    "2023-06-16",
                    "市市场监管局三楼会议室",
                    "各成员单位分管负责同志",
                    "会议听取了……",
                    "监质强办纪〔2023〕1号",
                ]
            ],
        ),
        (
            DECISION_SHEET,
            decision_headers,
            [
                [
                    "2023年上半年",
                    "推进地理标志产品保护",
                    "市市场监管局",
                    "第二条(三)",
                    "会议讨论了……",
                    "完成大米地理标志申报材料",
                    "",
                    "市农业农村局",
                    "市市场监管局",
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
def history_finalize(request, pk):
    meeting = get_object_or_404(Meeting, pk=pk)
    try:
        services.meeting_history_finalize(meeting=meeting, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"{meeting.title}补录完成，决定事项已按实际状态列入督办。")
    return redirect("meetings:minutes", pk=meeting.pk)


@require_POST
@office_required
def minutes_files_add(request, pk):
    meeting = get_object_or_404(Meeting, pk=pk)
    perform_form(
        request,
        MinutesFilesForm(request.POST, request.FILES),
        services.meeting_history_add_files,
        meeting=meeting,
        success="纪要原件已上传。",
    )
    return redirect("meetings:minutes", pk=meeting.pk)


@meetings_user_required
def minutes_file(request, pk):
    f = get_object_or_404(MinutesFile, pk=pk)
    meeting = get_meeting_for_user(request.user, f.meeting_id)
    if not can_see_minutes(request.user, meeting):
        raise Http404("会议纪要尚未发布")
    return serve_protected_file(f.file, filename=f.name)
