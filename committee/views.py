from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.permissions import AuthenticatedRequest, is_office, office_required
from core import import_views
from core.dates import cn_date
from core.documents import docx_response, xlsx_response
from core.errors import show_error
from core.import_views import run_upload
from core.policy import policy_document

from . import services
from .filters import UnitFilter
from .forms import ContactForm, ReplaceForm, RosterImportForm, SeatCreateForm, SeatRetireForm
from .models import Appointment, MemberUnit, Seat, UnitContact
from .permissions import roster_viewer_required
from .roster_io import roster_document, roster_sheet
from .rows import roster_rows, unit_rows
from .selectors import current_roster, roster_groups, seat_terms, term_changes


@roster_viewer_required
def roster(request: AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    entries = current_roster(today)
    policy = policy_document()
    can_edit = is_office(request.user)
    return render(
        request,
        "committee/roster.html",
        {
            "groups": [
                (label, group, roster_rows(group, can_edit=can_edit))
                for label, group in roster_groups(entries)
            ],
            "today": today,
            "committee_name": policy.committee_name,
            "can_edit": can_edit,
            # 附件1: where the office sits and what it does, from the policy data
            "office_text": policy.office_text,
        },
    )


@roster_viewer_required
def roster_export_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    return xlsx_response([roster_sheet(current_roster(today))], f"委员会名单-{today:%Y%m%d}.xlsx")


@roster_viewer_required
def roster_export_docx(request: AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    doc = roster_document(current_roster(today), on=today)
    return docx_response(doc, f"委员会名单-{today:%Y%m%d}.docx")


@roster_viewer_required
def seat_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    seat = get_object_or_404(Seat.objects.select_related("unit", "role"), pk=pk)
    terms = list(seat_terms(seat))
    changes = term_changes(terms)
    for term in terms:
        term.changes = changes.get(term.pk, [])  # type: ignore[attr-defined]  # read by the template
    return render(
        request,
        "committee/seat_detail.html",
        {
            "seat": seat,
            "terms": terms,
            "current": next((t for t in terms if t.end_date is None), None),
            "replace_form": ReplaceForm(),
            "retire_form": SeatRetireForm(),
            "can_edit": is_office(request.user),
        },
    )


@require_POST
@office_required
def seat_replace(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    seat = get_object_or_404(Seat, pk=pk, active=True)
    form = ReplaceForm(request.POST)
    if not form.is_valid():
        show_error(request, ValidationError(form.errors))
        return redirect("committee:seat_detail", pk=seat.pk)
    try:
        new = services.appointment_replace(seat=seat, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        show_error(request, exc)
    else:
        messages.success(
            request,
            f"已完成人事变动：{new.person_name} 自 {cn_date(new.start_date)} 起任 {seat.display_title}。",
        )
    return redirect("committee:seat_detail", pk=seat.pk)


@require_POST
@office_required
def seat_retire(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    seat = get_object_or_404(Seat, pk=pk, active=True)
    form = SeatRetireForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写有效的撤销日期。")
        return redirect("committee:seat_detail", pk=seat.pk)
    try:
        services.seat_retire(seat=seat, end_date=form.cleaned_data["end_date"], by=request.user)
    except ValidationError as exc:
        show_error(request, exc)
        return redirect("committee:seat_detail", pk=seat.pk)
    messages.success(request, f"席位“{seat.display_title}”已撤销，任职记录保留。")
    return redirect("committee:roster")


@office_required
def seat_create(request: AuthenticatedRequest) -> HttpResponse:
    form = SeatCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            seat = services.seat_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已新增席位：{seat.display_title}。")
            return redirect("committee:seat_detail", pk=seat.pk)
    return render(request, "committee/seat_form.html", {"form": form})


@office_required
def roster_import(request: AuthenticatedRequest) -> HttpResponse:
    form = RosterImportForm(request.POST or None, request.FILES or None)
    done, preview, status = run_upload(request, form, kind=services.RosterImporter.kind)
    if done:
        return done
    return render(request, "committee/roster_import.html", {"form": form, "preview": preview}, status=status)


@require_POST
@office_required
def roster_import_confirm(request: AuthenticatedRequest) -> HttpResponse:
    """The confirm button of the first version of this page: the office member's latest import."""
    return import_views.confirm_latest(
        request, kind=services.RosterImporter.kind, upload_url="committee:roster_import"
    )


@roster_viewer_required
def unit_list(request: AuthenticatedRequest) -> HttpResponse:
    units = (
        MemberUnit.objects.filter(active=True)
        .annotate(
            contact_count=Count("contacts", distinct=True),
            user_count=Count(
                "users", filter=Q(users__is_active=True, users__role=User.Role.UNIT), distinct=True
            ),
        )
        .prefetch_related(
            Prefetch("contacts", queryset=UnitContact.objects.filter(is_primary=True), to_attr="primary")
        )
        .order_by("order", "id")
    )
    filterset = UnitFilter(request.GET or None, queryset=units)
    units = filterset.qs
    return render(
        request, "committee/unit_list.html", {"units": units, "rows": unit_rows(units), "filter": filterset}
    )


@roster_viewer_required
def unit_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(MemberUnit, pk=pk)
    today = timezone.localdate()
    seats = (
        Seat.objects.filter(unit=unit, active=True)
        .select_related("role")
        .prefetch_related(
            Prefetch("appointments", queryset=Appointment.objects.current(today), to_attr="current_terms")
        )
        .order_by("order")
    )
    users = unit.users.filter(role=User.Role.UNIT, is_active=True).order_by("id")
    return render(
        request,
        "committee/unit_detail.html",
        {
            "unit": unit,
            "contacts": unit.contacts.all(),
            "seats": seats,
            "unit_users": users,
            "can_edit": is_office(request.user),
            "is_own_unit": request.user.member_unit_id == unit.pk,
        },
    )


@office_required
def contact_edit(request: AuthenticatedRequest, unit_pk: int, pk: int | None = None) -> HttpResponse:
    unit = get_object_or_404(MemberUnit, pk=unit_pk)
    contact = get_object_or_404(UnitContact, pk=pk, unit=unit) if pk else None
    initial = (
        {f: getattr(contact, f) for f in ContactForm.base_fields}
        if contact
        else {"order": unit.contacts.count() + 1}
    )
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.unit_contact_save(unit=unit, contact=contact, data=form.cleaned_data, by=request.user)
        messages.success(request, f"已保存联系人：{form.cleaned_data['name']}。")
        return redirect(unit)
    return render(request, "committee/contact_form.html", {"form": form, "unit": unit, "contact": contact})


@require_POST
@office_required
def contact_delete(request: AuthenticatedRequest, unit_pk: int, pk: int) -> HttpResponse:
    contact = get_object_or_404(UnitContact, pk=pk, unit_id=unit_pk)
    services.unit_contact_delete(contact=contact, by=request.user)
    messages.success(request, f"已删除联系人：{contact.name}。")
    return redirect("committee:unit_detail", pk=unit_pk)
