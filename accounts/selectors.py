"""Who the office is: the one place that lists the people of a role (issue 15, point 5).

Role checks on one user are ``accounts.permissions`` (``is_office``, ``is_approver``); these are the
lists a service notifies. Active users only, in a stable order (by id).
"""

from .models import OFFICE_ROLES, User


def office_users(*, staff_only: bool = False) -> list[User]:
    """The office: its staff and its approvers (``staff_only``: the staff, who do the daily work and
    receive its notices, without the approvers)."""
    roles = {User.Role.OFFICE_STAFF} if staff_only else OFFICE_ROLES
    return list(User.objects.filter(role__in=roles, is_active=True).order_by("pk"))


def approvers() -> list[User]:
    """The office's approvers (办公室负责人): the second person of every money decision."""
    return list(User.objects.filter(role=User.Role.OFFICE_APPROVER, is_active=True).order_by("pk"))
