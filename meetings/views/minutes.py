from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.permissions import (
    AuthenticatedRequest,
    approver_required,
    is_approver,
    is_office,
    office_required,
)
from core.documents import docx_response

from .. import documents, services
from ..forms import AssignmentForm, HistoryDecisionForm, MinutesFilesForm, MinutesForm, ReasonForm
from ..models import AgendaItem, FollowUpItem, Meeting
from ..permissions import can_see_minutes, get_meeting_for_user, meetings_user_required
from ..selectors import agenda_items, first_item_status, meeting_decisions
from ._helpers import perform, perform_form, perform_in_form


def _visible_minutes(request: AuthenticatedRequest, pk: int) -> Meeting:
    meeting = get_meeting_for_user(request.user, pk)
    if not can_see_minutes(request.user, meeting):
        raise Http404("会议纪要尚未发布")
    return meeting


@meetings_user_required
def minutes(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return minutes_page(request, _visible_minutes(request, pk))


def minutes_page(
    request: AuthenticatedRequest, meeting: Meeting, *, files_form: MinutesFilesForm | None = None
) -> HttpResponse:
    """The minutes page; ``files_form`` is a posted upload form shown again (a disk that failed)."""
    items = agenda_items(meeting)
    decisions = meeting_decisions(meeting)
    for item in items:
        item.decision_list = decisions.get(item.pk, [])
    return render(
        request,
        "meetings/minutes.html",
        {
            "meeting": meeting,
            "agenda": items,
            "first_status": first_item_status(meeting, items),
            "is_office": is_office(request.user),
            "is_approver": is_approver(request.user),
            "return_form": ReasonForm(),
            "minutes_files": meeting.minutes_files.all(),
            "files_form": files_form
            or (MinutesFilesForm() if meeting.is_history and is_office(request.user) else None),
        },
    )


@office_required
def minutes_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    if not meeting.minutes_editable:
        raise Http404("纪要当前不可编辑")
    items = agenda_items(meeting)
    form = MinutesForm(request.POST or None, meeting=meeting, items=items)
    if request.method == "POST" and form.is_valid():
        done = perform_in_form(
            request,
            form,
            services.minutes_update,
            meeting=meeting,
            overview=form.cleaned_data["overview"],
            minutes_number=form.cleaned_data["minutes_number"],
            discussions=form.discussions(),
            success="纪要已保存。",
        )
        if done:
            return redirect("meetings:minutes", pk=meeting.pk)
    return render(request, "meetings/minutes_form.html", {"form": form, "meeting": meeting})


def _assignment_initial(item: FollowUpItem) -> dict[str, Any]:
    units = list(item.assignments.select_related("unit").order_by("role"))
    return {
        "title": item.title,
        "content": item.content,
        "deadline": item.deadline,
        "lead_unit": units[0].unit if units else None,
        "co_units": [a.unit for a in units[1:]],
        "state": units[0].phase if units else "",
        "completed_on": units[0].completed_on if units else None,
    }


@office_required
def decision_edit(
    request: AuthenticatedRequest, pk: int | None = None, item_pk: int | None = None
) -> HttpResponse:
    """Record (``pk`` = agenda item) or change (``item_pk`` = decision) a decision of the meeting."""
    if item_pk:
        item = get_object_or_404(FollowUpItem.objects.select_related("agenda_item__meeting"), pk=item_pk)
        agenda_item = item.agenda_item
    else:
        item = None
        agenda_item = get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=pk)
    if agenda_item is None or not agenda_item.meeting.minutes_editable:
        raise Http404("纪要当前不可编辑")
    # 历史补录: the decision's real state, and its deadline may be in the past
    form_class = HistoryDecisionForm if agenda_item.meeting.is_history else AssignmentForm
    form = form_class(request.POST or None, initial=_assignment_initial(item) if item else None)
    if request.method == "POST" and form.is_valid():
        if item:
            done = perform_in_form(
                request,
                form,
                services.decision_update,
                item=item,
                success="决定事项已修改。",
                **form.cleaned_data,
            )
        else:
            done = perform_in_form(
                request,
                form,
                services.decision_create,
                agenda_item=agenda_item,
                success="决定事项已记录。",
                **form.cleaned_data,
            )
        if done:
            return redirect("meetings:minutes", pk=agenda_item.meeting_id)
    return render(
        request,
        "meetings/decision_form.html",
        {"form": form, "agenda_item": agenda_item, "meeting": agenda_item.meeting, "item": item},
    )


@require_POST
@office_required
def decision_delete(request: AuthenticatedRequest, item_pk: int) -> HttpResponse:
    item = get_object_or_404(
        FollowUpItem.objects.select_related("agenda_item__meeting"), pk=item_pk, agenda_item__isnull=False
    )
    perform(request, services.decision_delete, item=item, success="决定事项已删除。")
    assert item.agenda_item is not None  # agenda_item__isnull=False above
    return redirect("meetings:minutes", pk=item.agenda_item.meeting_id)


@require_POST
@approver_required
def minutes_sign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    perform(request, services.minutes_sign_off, meeting=meeting, success="纪要已签发，可由办公室发布。")
    return redirect("meetings:minutes", pk=meeting.pk)


@require_POST
@approver_required
def minutes_return(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    perform_form(
        request,
        ReasonForm(request.POST),
        services.minutes_return,
        meeting=meeting,
        success="纪要已退回修改。",
    )
    return redirect("meetings:minutes", pk=meeting.pk)


@require_POST
@office_required
def minutes_publish(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    perform(
        request,
        services.minutes_publish,
        meeting=meeting,
        success="纪要已发布，决定事项已作为督办事项下发各单位。",
    )
    return redirect("meetings:minutes", pk=meeting.pk)


@meetings_user_required
def minutes_docx(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _visible_minutes(request, pk)
    return docx_response(documents.minutes_document(meeting), f"{meeting.title}纪要.docx")
