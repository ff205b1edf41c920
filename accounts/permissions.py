"""Who may see and change what — the one place role checks live.

Role checks (this module) answer "may this kind of user use this page at all?": anonymous users
are sent to log in, logged-in users of another role get 403. Object checks live in each app's
``permissions.py`` and answer "is this object theirs?": an outsider gets 404, so the existence of
other people's objects is not revealed.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeAlias

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .models import OFFICE_ROLES, User

__all__ = ["OFFICE_ROLES", "AnyUser"]  # OFFICE_ROLES re-exported: the role set is defined next to the model

# what a view has in ``request.user`` (services and selectors get a ``User``)
AnyUser: TypeAlias = User | AnonymousUser
View: TypeAlias = Callable[..., Any]


class AuthenticatedRequest(HttpRequest):
    """The request of a view behind ``require`` (or ``login_required``): ``request.user`` is a
    ``User``. For annotations only; Django still passes a plain ``HttpRequest``."""

    user: User


def is_office(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_active and user.role in OFFICE_ROLES


def is_approver(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_active and user.role == User.Role.OFFICE_APPROVER


def is_unit_user(user: AnyUser) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and user.role == User.Role.UNIT
        and user.member_unit_id is not None
    )


def is_enterprise_user(user: AnyUser) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and user.role == User.Role.ENTERPRISE
        and user.enterprise is not None
        and user.enterprise.rejected_at is None  # a registration the office rejected
    )


def is_platform_admin(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_active and user.role == User.Role.ADMIN


def can_view_overall_progress(user: AnyUser) -> bool:
    """The overall dashboard: the office, and member units read-only (issue 3, point 6)."""
    return is_office(user) or is_unit_user(user)


def require(check: Callable[[AnyUser], bool]) -> Callable[[View], View]:
    """View decorator: log in first, then ``check(user)`` or 403."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
            if not check(request.user):
                raise PermissionDenied("您没有权限访问此页面。")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


office_required = require(is_office)
approver_required = require(is_approver)
unit_required = require(is_unit_user)
enterprise_required = require(is_enterprise_user)
progress_viewer_required = require(can_view_overall_progress)


def ensure(allowed: bool) -> None:
    """Inside a view, after the object is known to be visible: refuse a change with 403."""
    if not allowed:
        raise PermissionDenied("您没有权限执行此操作。")
