import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.permissions import (
    AuthenticatedRequest,
    approver_required,
    is_approver,
    is_office,
    office_required,
    unit_required,
)
from committee.models import MemberUnit
from committee.selectors import unit_leaders
from core.documents import docx_response, xlsx_response
from core.files import serve_protected_file

from .. import documents, services
from ..filters import FollowUpFilter, OverdueFilter
from ..forms import (
    CloseForm,
    ClosureRequestForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    FollowUpSettingForm,
    ReasonForm,
    ReassignForm,
    RefuseForm,
    ReportForm,
)
from ..models import ExtensionRequest, FollowUpAssignment, FollowUpEvidence, FollowUpSetting
from ..models.followup import FollowUpAssignmentQuerySet
from ..permissions import get_assignment_for_user, meetings_user_required, visible_assignments
from ..rows import assignment_rows, sibling_rows
from ..selectors import OpenFirstIds, assignment_list_rows
from ..status import FollowUpStatus, urge_round
from ._helpers import perform, perform_form, perform_in_form

PAGE_SIZE = 30


def _visible(user: User) -> FollowUpAssignmentQuerySet:
    qs = visible_assignments(user)
    assert isinstance(qs, FollowUpAssignmentQuerySet)  # the manager's queryset; typed as a plain QuerySet
    return qs


def _filtered(
    request: AuthenticatedRequest, today: dt.date
) -> tuple[FollowUpFilter, QuerySet[FollowUpAssignment], dict[str, int]]:
    """The user's released assignments, filtered and sorted by the query string, overdue first."""
    qs = (
        _visible(request.user)
        .released()
        .with_status(today)
        .select_related("item__agenda_item__meeting", "item__work_plan", "unit")
        .order_by("status_rank", "deadline", "item_id", "unit__order")
    )
    filterset = FollowUpFilter(request.GET or None, queryset=qs, unit_choice=is_office(request.user))
    qs = filterset.qs
    _, counts = qs.counts(today)
    if filterset.status_value:
        qs = qs.filter(computed_status=filterset.status_value)
    return filterset, qs, counts


@meetings_user_required
def followup_list(request: AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    filterset, qs, counts = _filtered(request, today)
    # the per-status counts already hold the total (no second COUNT over the same rows) and how many
    # are open; the page's ids are sorted without the joined rows, its rows read by id afterwards
    done = FollowUpStatus.DONE.value
    total = counts.get(filterset.status_value, 0) if filterset.status_value else sum(counts.values())
    open_count = total - (counts.get(done, 0) if filterset.status_value in ("", done) else 0)
    paginator = Paginator(OpenFirstIds(qs, total=total, open_count=open_count), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    assignments = assignment_list_rows(list(page.object_list), today)
    stats = [{"status": s, "count": counts.get(s.value, 0)} for s in FollowUpStatus]
    return render(
        request,
        "meetings/followup_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "assignments": assignments,
            "rows": assignment_rows(assignments),
            "stats": stats,
            "today": today,
            "is_office": is_office(request.user),
        },
    )


@office_required
def followup_export(request: AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    _, qs, _ = _filtered(request, today)
    rows = [
        [
            a.item.title,
            a.item.source_label,
            a.unit.name,
            a.get_role_display(),
            a.deadline,
            a.get_phase_display(),
            a.state.label,
            a.completed_on,
        ]
        for a in qs[:5000]
    ]
    headers = ["事项", "来源", "单位", "分工", "办理时限", "办理环节", "状态", "办结日期"]
    return xlsx_response([("督办事项", headers, rows)], f"督办事项-{today:%Y%m%d}.xlsx")


@meetings_user_required
def followup_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _detail_page(request, get_assignment_for_user(request.user, pk))


def _detail_page(
    request: AuthenticatedRequest, assignment: FollowUpAssignment, *, bound: dict[str, BaseForm] | None = None
) -> HttpResponse:
    """The item's page; ``bound`` replaces empty forms by the ones posted (a disk that failed)."""
    today = timezone.localdate()
    item = assignment.item
    office = is_office(request.user)
    own = request.user.member_unit_id == assignment.unit_id
    phase = assignment.phase
    Phase = FollowUpAssignment.Phase
    released = item.released_at is not None
    # every request of this assignment (a few), the pending one among them (at most one: a constraint)
    extensions = list(assignment.extensions.select_related("decided_by", "requested_by"))
    pending = next((e for e in extensions if e.status == ExtensionRequest.Status.PENDING), None)
    return render(
        request,
        "meetings/followup_detail.html",
        _with_bound(
            {
                "a": assignment,
                "item": item,
                "status": assignment.status_on(today),
                "sibling_rows": sibling_rows(
                    item.assignments.select_related("unit").order_by("role", "unit__order"), today
                ),
                "events": assignment.events.select_related("by").prefetch_related("evidence"),
                "can_sign": own and released and phase == Phase.ASSIGNED,
                "report_form": ReportForm() if own and phase in (Phase.SIGNED, Phase.REQUESTED) else None,
                "closure_form": ClosureRequestForm() if own and phase == Phase.SIGNED else None,
                # 销号 is an approver's decision (docs/design.md); office staff may send a request back
                "close_form": CloseForm() if is_approver(request.user) and phase == Phase.REQUESTED else None,
                "return_form": ReasonForm() if office and phase == Phase.REQUESTED else None,
                "can_notice": office and assignment.status_on(today) == FollowUpStatus.OVERDUE,
                "is_office": office,
                "refuse_form": RefuseForm()
                if own and released and phase in (Phase.ASSIGNED, Phase.SIGNED)
                else None,
                "reassign_form": ReassignForm() if office and phase == Phase.REFUSED else None,
                "extension_form": (
                    ExtensionRequestForm()
                    if own and phase in (Phase.ASSIGNED, Phase.SIGNED) and not pending
                    else None
                ),
                "pending_extension": pending,
                "decision_form": ExtensionDecisionForm() if pending and is_approver(request.user) else None,
                "extensions": extensions,
                "days_overdue": assignment.days_overdue(today),
            },
            bound,
        ),
    )


def _with_bound(context: dict[str, Any], bound: dict[str, BaseForm] | None) -> dict[str, Any]:
    for key, form in (bound or {}).items():
        if context.get(key) is not None:
            context[key] = form
    return context


def _act(
    request: AuthenticatedRequest,
    assignment: FollowUpAssignment,
    service: Callable[..., object],
    form_class: type[BaseForm] | None,
    success: str,
    form_key: str = "",
) -> HttpResponse:
    if form_class is None:
        perform(request, service, assignment=assignment, success=success)
    else:
        form = form_class(request.POST, request.FILES)
        done = perform_form(request, form, service, assignment=assignment, success=success)
        if done is None and getattr(form, "storage_failed", False):  # the typed text is shown again
            return _detail_page(request, assignment, bound={form_key: form})
    return redirect(assignment)


def _unit_action(
    request: AuthenticatedRequest,
    pk: int,
    service: Callable[..., object],
    form_class: type[BaseForm] | None = None,
    success: str = "",
    form_key: str = "",
) -> HttpResponse:
    # another unit's item is not found (get_assignment_for_user): 404
    return _act(request, get_assignment_for_user(request.user, pk), service, form_class, success, form_key)


def _office_action(
    request: AuthenticatedRequest,
    pk: int,
    service: Callable[..., object],
    form_class: type[BaseForm],
    success: str,
) -> HttpResponse:
    assignment = get_object_or_404(FollowUpAssignment.objects.released(), pk=pk)
    return _act(request, assignment, service, form_class, success)


@require_POST
@unit_required
def followup_sign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _unit_action(request, pk, services.followup_sign, success="已签收，请按时限办理并报送进展。")


@require_POST
@unit_required
def followup_report(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _unit_action(request, pk, services.followup_report, ReportForm, "办理进展已报送。", "report_form")


@require_POST
@unit_required
def followup_request_closure(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _unit_action(
        request,
        pk,
        services.followup_request_closure,
        ClosureRequestForm,
        "已申请销号，等待办公室审核。",
        "closure_form",
    )


@require_POST
@approver_required
def followup_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _office_action(request, pk, services.followup_close, CloseForm, "已销号办结。")


@require_POST
@office_required
def followup_return(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _office_action(request, pk, services.followup_return, ReasonForm, "已退回，单位继续办理。")


@require_POST
@unit_required
def followup_refuse(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _unit_action(request, pk, services.followup_refuse, RefuseForm, "已拒签退回，办公室将重新处理。")


@require_POST
@office_required
def followup_reassign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _office_action(request, pk, services.followup_reassign, ReassignForm, "已重新交办，等待单位签收。")


@require_POST
@unit_required
def extension_request(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _unit_action(
        request,
        pk,
        services.extension_request,
        ExtensionRequestForm,
        "延期申请已提交，等待办公室负责人审批。",
    )


@require_POST
@approver_required
def extension_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    ext = get_object_or_404(
        ExtensionRequest.objects.select_related("assignment"),
        pk=pk,
        assignment__item__released_at__isnull=False,
    )
    perform_form(
        request,
        ExtensionDecisionForm(request.POST),
        services.extension_decide,
        request=ext,
        success="延期申请已审批。",
    )
    return redirect(ext.assignment)


@meetings_user_required
def followup_overdue(request: AuthenticatedRequest) -> HttpResponse:
    """逾期督办事项: every open item past its (possibly extended) deadline, longest overdue first."""
    today = timezone.localdate()
    setting = FollowUpSetting.get()
    qs = (
        _visible(request.user)
        .released()
        .open()
        .filter(deadline__lt=today)
        .select_related("item__agenda_item__meeting", "item__work_plan", "unit")
        .order_by("deadline", "item_id", "unit__order")
    )
    filterset = OverdueFilter(request.GET or None, queryset=qs, unit_choice=is_office(request.user))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    pending = set(
        ExtensionRequest.objects.filter(
            status=ExtensionRequest.Status.PENDING, assignment__in=list(page.object_list)
        ).values_list("assignment_id", flat=True)
    )
    for a in page.object_list:
        a.overdue_days = a.days_overdue(today)
        a.urge_count = urge_round(a.overdue_days, setting.urge_interval_days)
        a.escalated = a.overdue_days > setting.escalate_after_days
        a.extension_pending = a.pk in pending
    return render(
        request,
        "meetings/followup_overdue.html",
        {
            "filter": filterset,
            "page_obj": page,
            "assignments": page.object_list,
            "setting": setting,
            "is_office": is_office(request.user),
        },
    )


@office_required
def followup_settings(request: AuthenticatedRequest) -> HttpResponse:
    setting = FollowUpSetting.get()
    form = FollowUpSettingForm(
        request.POST or None,
        initial={
            "urge_interval_days": setting.urge_interval_days,
            "escalate_after_days": setting.escalate_after_days,
            "leaders": setting.leaders.all(),
        },
    )
    if request.method == "POST" and form.is_valid():
        saved = perform_in_form(
            request, form, services.followup_setting_update, success="督办设置已保存。", **form.cleaned_data
        )
        if saved:
            return redirect("meetings:followup_settings")
    leaders = _escalation_leaders(setting)
    return render(
        request,
        "meetings/followup_settings.html",
        {"form": form, "setting": setting, "leaders": leaders, "leader_counts": _counts(leaders)},
    )


def _counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    own = sum(1 for r in rows if r["leader"] and r["leader"].accounts)
    picked = sum(1 for r in rows if not (r["leader"] and r["leader"].accounts) and r["picked"])
    return {"own": own, "picked": picked, "office_only": len(rows) - own - picked}


def _escalation_leaders(setting: FollowUpSetting) -> list[dict[str, Any]]:
    """Per member unit: whom an escalation tells — the roster's 主要负责人 through their own account,
    else the accounts picked here (and the page says so)."""
    units = list(MemberUnit.objects.filter(active=True, is_member=True).order_by("order", "id"))
    roster = unit_leaders([u.pk for u in units])
    picked: dict[int | None, list[User]] = {}
    for user in setting.leaders.filter(is_active=True).order_by("id"):
        picked.setdefault(user.member_unit_id, []).append(user)
    return [{"unit": u, "leader": roster.get(u.pk), "picked": picked.get(u.pk, [])} for u in units]


@meetings_user_required
def evidence_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    evidence = get_object_or_404(FollowUpEvidence.objects.select_related("event"), pk=pk)
    get_assignment_for_user(request.user, evidence.event.assignment_id)
    return serve_protected_file(evidence.file, filename=evidence.name)


@office_required
def followup_notice_docx(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(
        FollowUpAssignment.objects.released().select_related(
            "item__agenda_item__meeting", "item__work_plan", "unit"
        ),
        pk=pk,
    )
    today = timezone.localdate()
    if assignment.status_on(today) != FollowUpStatus.OVERDUE:
        raise Http404("该事项未逾期，无需督办通知单")
    setting = FollowUpSetting.get()
    doc = documents.followup_notice_document(
        assignment,
        today=today,
        urge_count=urge_round(assignment.days_overdue(today), setting.urge_interval_days),
    )
    return docx_response(doc, f"催办通知单-{assignment.unit.name}-{assignment.item_id}.docx")
