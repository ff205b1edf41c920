from collections import Counter
from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from docx.document import Document as DocxDocument

from accounts.permissions import AuthenticatedRequest, is_office, office_required, unit_required
from core.dates import cn_date
from core.documents import docx_response

from .. import documents, services
from ..filters import MeetingFilter
from ..forms import AgendaItemForm, AttendanceForm, GuestForm, HeldForm, MeetingCreateForm, MeetingForm
from ..models import Invitation, Meeting
from ..permissions import can_see_agenda, get_meeting_for_user, meetings_user_required, visible_meetings
from ..rows import invitation_rows, meeting_rows, topic_rows
from ..selectors import agenda_items, first_item_status, pending_topics
from ._helpers import perform, perform_form, perform_in_form


@meetings_user_required
def meeting_list(request: AuthenticatedRequest) -> HttpResponse:
    # the columns the rows show (meeting_rows), not the minutes and notice texts
    meetings = (
        visible_meetings(request.user)
        .only("year", "half", "term_name", "status", "planned_date", "topic_deadline", "place", "is_history")
        .order_by("-year", "-half")
    )
    filterset = MeetingFilter(request.GET or None, queryset=meetings)
    meetings = filterset.qs
    if is_office(request.user):
        meetings = meetings.annotate(pending_topics=pending_topics())
    page = Paginator(meetings, 20).get_page(request.GET.get("page"))
    year, half = services.term_of(timezone.localdate())
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "page_obj": page,
            "meetings": page.object_list,
            "rows": meeting_rows(page.object_list, is_office=is_office(request.user)),
            "filter": filterset,
            # its own ids: the filter bar above has fields of the same names
            "create_form": MeetingCreateForm(initial={"year": year, "half": half}, auto_id="new_%s"),
            "is_office": is_office(request.user),
        },
    )


@require_POST
@office_required
def meeting_create(request: AuthenticatedRequest) -> HttpResponse:
    result = perform_form(request, MeetingCreateForm(request.POST), services.meeting_draft_for_term)
    if not result:
        return redirect("meetings:meeting_list")
    meeting, created = result
    if created:
        messages.success(
            request, f"已创建{meeting.title}（筹备中），议题征集截止 {cn_date(meeting.topic_deadline)}。"
        )
    else:
        messages.info(request, f"{meeting.title}已存在，每半年只召开一次联席会议。")
    return redirect(meeting)


@meetings_user_required
def meeting_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk)
    user = request.user
    office = is_office(user)
    today = timezone.localdate()
    context = {"meeting": meeting, "is_office": office, "today": today}
    if can_see_agenda(user, meeting):
        items = agenda_items(meeting)
        context.update(agenda=items, first_status=first_item_status(meeting, items))
    topics = meeting.topics.select_related("unit", "business_kind").order_by("created_at", "id")
    if office:
        invitations = list(meeting.invitations.select_related("unit"))
        context.update(
            topic_rows=topic_rows(topics),
            invitations=invitations,
            invitation_rows=invitation_rows(invitations),
            responses=Counter(i.response for i in invitations),
            guest_form=GuestForm(),
            agenda_form=AgendaItemForm(),
            held_form=HeldForm(initial={"held_on": min(today, meeting.planned_date)}),
        )
    else:
        invitation = meeting.invitations.filter(unit_id=user.member_unit_id).first()
        context.update(
            topic_rows=topic_rows(topics.filter(unit_id=user.member_unit_id)),
            invitation=invitation,
            attendance_form=AttendanceForm(
                initial={"response": invitation.response, "attendees": invitation.attendees}
            )
            if invitation
            else None,
            can_propose=meeting.topic_call_open(today),
        )
    return render(request, "meetings/meeting_detail.html", context)


@office_required
def meeting_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    fields = MeetingForm.base_fields
    form = MeetingForm(request.POST or None, initial={f: getattr(meeting, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        done = perform_in_form(
            request,
            form,
            services.meeting_update,
            meeting=meeting,
            success="会议安排已保存。",
            **form.cleaned_data,
        )
        if done:
            return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting})


@require_POST
@office_required
def meeting_issue_notice(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    perform(
        request, services.meeting_issue_notice, meeting=meeting, success="会议通知已发出，已通知各受邀单位。"
    )
    return redirect(meeting)


@require_POST
@office_required
def meeting_mark_held(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    done = perform_form(
        request,
        HeldForm(request.POST),
        services.meeting_mark_held,
        meeting=meeting,
        success="已登记会议召开，请整理会议纪要。",
    )
    return redirect("meetings:minutes", pk=meeting.pk) if done else redirect(meeting)


@require_POST
@office_required
def guest_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    perform_form(
        request,
        GuestForm(request.POST),
        services.invitation_add_guest,
        meeting=meeting,
        success="已添加受邀单位。",
    )
    return redirect(meeting)


@require_POST
@unit_required
def attendance(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk)
    invitation = get_object_or_404(Invitation, meeting=meeting, unit_id=request.user.member_unit_id)
    perform_form(
        request,
        AttendanceForm(request.POST),
        services.invitation_respond,
        invitation=invitation,
        success="参会回执已提交。",
    )
    return redirect(meeting)


def _meeting_docx(
    request: AuthenticatedRequest, pk: int, build: Callable[[Meeting], DocxDocument], name: str
) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk)
    if not can_see_agenda(request.user, meeting):
        raise Http404("会议通知尚未印发")
    return docx_response(build(meeting), f"{meeting.title}{name}.docx")


@meetings_user_required
def notice_docx(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _meeting_docx(request, pk, documents.notice_document, "通知")


@meetings_user_required
def agenda_docx(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _meeting_docx(request, pk, documents.agenda_document, "议程")
