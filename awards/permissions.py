"""Object access for reward applications: outsiders get 404, other roles 403 (accounts.permissions)."""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.permissions import is_enterprise_user, is_office, require

from .models import Application, Attachment, Enterprise

# the pages of one application or enterprise: its enterprise's users and the office
applicant_or_office_required = require(lambda u: is_office(u) or is_enterprise_user(u))


def visible_applications(user: User) -> QuerySet[Application]:
    """Enterprise users: their enterprise's applications. Office: everything submitted (not drafts)."""
    qs = Application.objects.select_related("enterprise", "reward_item", "publicity_batch")
    if is_office(user):
        return qs.exclude(status=Application.Status.DRAFT)
    if is_enterprise_user(user) and user.enterprise_id is not None:  # the second is implied
        return qs.filter(enterprise_id=user.enterprise_id)
    return qs.none()


def get_application(user: User, pk: int | str) -> Application:
    return get_object_or_404(visible_applications(user), pk=pk)


def get_own_application(user: User, pk: int | str) -> Application:
    """For enterprise-only actions (edit, withdraw): another enterprise's id is a 404."""
    if not is_enterprise_user(user):
        raise Http404
    return get_object_or_404(
        Application.objects.select_related("enterprise", "reward_item"),
        pk=pk,
        enterprise_id=user.enterprise_id,
    )


def get_attachment(user: User, application_pk: int | str, pk: int | str) -> Attachment:
    application = get_application(user, application_pk)
    return get_object_or_404(Attachment, pk=pk, application=application)


def get_enterprise(user: User, pk: int | str) -> Enterprise:

    if is_office(user):
        return get_object_or_404(Enterprise, pk=pk)
    if is_enterprise_user(user) and str(user.enterprise_id) == str(pk):
        return get_object_or_404(Enterprise, pk=pk)
    raise Http404
