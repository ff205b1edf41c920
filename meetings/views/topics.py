from collections.abc import Callable

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import AuthenticatedRequest, is_office, office_required, unit_required
from core.files import serve_protected_file

from .. import services
from ..forms import AgendaItemForm, TopicDecisionForm, TopicForm
from ..models import AgendaItem, Meeting, Topic, TopicAttachment
from ..permissions import get_meeting_for_user, get_topic_for_user, meetings_user_required
from ._helpers import form_errors, perform, perform_form, perform_in_form


@unit_required
def topic_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk)
    form = TopicForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        topic = perform_in_form(
            request,
            form,
            services.topic_propose,
            meeting=meeting,
            success=lambda t: f"议题“{t.title}”已提交，等待办公室审核。",
            **form.cleaned_data,
        )
        if topic:
            return redirect(topic)
    return render(
        request,
        "meetings/topic_form.html",
        {"form": form, "meeting": meeting, "call_open": meeting.topic_call_open(timezone.localdate())},
    )


@meetings_user_required
def topic_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    topic = get_topic_for_user(request.user, pk)
    office = is_office(request.user)
    decision_form = None
    if office and topic.status == Topic.Status.SUBMITTED and topic.meeting.is_open_for_topics:
        decision_form = TopicDecisionForm(topic=topic)
    return render(
        request,
        "meetings/topic_detail.html",
        {
            "topic": topic,
            "attachments": topic.attachments.all(),
            "merged": topic.merged.select_related("unit"),
            "decision_form": decision_form,
            "is_office": office,
        },
    )


# what the office may do with a submitted topic: (service, form fields it needs, message)
DECISIONS: dict[str, tuple[Callable[..., object], tuple[str, ...], str]] = {
    "accept": (services.topic_accept, ("business_kind", "reason"), "议题已列入议程。"),
    "merge": (services.topic_merge, ("into", "reason"), "议题已合并。"),
    "defer": (services.topic_defer, ("reason",), "议题已缓议，转下次会议。"),
    "decline": (services.topic_decline, ("reason",), "已决定不予采纳。"),
}


@require_POST
@office_required
def topic_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    topic = get_object_or_404(Topic.objects.select_related("meeting"), pk=pk)
    form = TopicDecisionForm(request.POST, topic=topic)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(topic)
    service, fields, success = DECISIONS[form.cleaned_data["action"]]
    data = {f: form.cleaned_data[f] for f in fields}
    done = perform(request, service, topic=topic, success=success, **data)
    return redirect(topic.meeting if done else topic)


@meetings_user_required
def topic_attachment(request: AuthenticatedRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(TopicAttachment.objects.select_related("topic"), pk=pk)
    get_topic_for_user(request.user, attachment.topic_id)
    return serve_protected_file(attachment.file, filename=attachment.name)


@require_POST
@office_required
def agenda_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    perform_form(
        request,
        AgendaItemForm(request.POST),
        services.agenda_item_add,
        meeting=meeting,
        success="已添加议程事项。",
    )
    return redirect(meeting.get_absolute_url() + "#agenda")


@require_POST
@office_required
def agenda_move(request: AuthenticatedRequest, pk: int, direction: str) -> HttpResponse:
    if direction not in ("up", "down"):
        raise Http404
    item = get_object_or_404(AgendaItem, pk=pk)
    perform(request, services.agenda_item_move, item=item, up=direction == "up")
    return redirect(item.meeting.get_absolute_url() + "#agenda")


@require_POST
@office_required
def agenda_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=pk)
    perform(request, services.agenda_item_remove, item=item, success=f"已从议程中移除“{item.title}”。")
    return redirect(item.meeting.get_absolute_url() + "#agenda")
