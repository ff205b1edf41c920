"""Object checks for the targets app: an outsider gets 404, a read-only viewer asking to change 403."""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.permissions import (
    AnyUser,
    can_view_overall_progress,
    ensure,
    is_office,
    is_unit_user,
    require,
)

from .models import Report, ReportTargetLine

# pages about reports: the office and member units (each only its own); enterprises 403
report_user_required = require(lambda u: is_office(u) or is_unit_user(u))


def visible_reports(user: User) -> QuerySet[Report]:
    qs = Report.objects.select_related("period", "period__plan", "unit")
    if is_office(user):
        return qs
    if is_unit_user(user):
        return qs.filter(unit_id=user.member_unit_id)
    return qs.none()


def get_report_for_user(user: User, pk: int | str) -> Report:
    """The report if ``user`` may see it; another unit's report is 404 (its existence is not revealed)."""
    return get_object_or_404(visible_reports(user), pk=pk)


def can_edit_report(user: User, report: Report) -> bool:
    """The unit fills its own report while it is editable; backfilled periods are the office's."""
    return (
        is_unit_user(user)
        and user.member_unit_id == report.unit_id
        and report.is_editable_by_unit
        and not report.period.backfilled
    )


def can_backfill_report(user: AnyUser, report: Report) -> bool:
    return is_office(user) and report.period.backfilled and report.status != Report.Status.ACCEPTED


def can_upload_template(user: User, report: Report) -> bool:
    """A filled template may be imported by whoever may fill the report (unit, or office for backfill)."""
    return can_edit_report(user, report) or can_backfill_report(user, report)


def get_editable_report(user: User, pk: int | str) -> Report:
    report = get_report_for_user(user, pk)
    ensure(can_edit_report(user, report))
    return report


def get_line_for_user(user: User, pk: int | str) -> ReportTargetLine:
    line = get_object_or_404(ReportTargetLine.objects.select_related("report", "target"), pk=pk)
    if not (is_office(user) or (is_unit_user(user) and user.member_unit_id == line.report.unit_id)):
        raise Http404("文件不存在")
    return line


def can_see_unit(user: User, unit_id: int) -> bool:
    return is_office(user) or (is_unit_user(user) and user.member_unit_id == unit_id)


def can_see_report_links(user: User, unit_id: int) -> bool:
    """On the shared dashboard, links to reports are shown only to those who may open them."""
    return can_see_unit(user, unit_id)


__all__ = [
    "can_backfill_report",
    "can_edit_report",
    "can_see_report_links",
    "can_see_unit",
    "can_upload_template",
    "can_view_overall_progress",
    "get_editable_report",
    "get_line_for_user",
    "get_report_for_user",
    "report_user_required",
    "visible_reports",
]
