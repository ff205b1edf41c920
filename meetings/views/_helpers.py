from collections.abc import Callable
from typing import Any, Literal, TypeVar, overload

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest

from accounts.permissions import AuthenticatedRequest
from core.errors import show_error
from core.upload_errors import show_upload_error

T = TypeVar("T")


def form_errors(request: HttpRequest, form: BaseForm) -> None:
    """Report a POSTed form's errors as messages (for the small action forms on detail pages)."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else str(error))


# The overloads say what the helpers below return: the service's result, or True for a service
# that returns nothing; None when the action was refused.


@overload
def perform(
    request: AuthenticatedRequest, action: Callable[..., None], /, *, success: str = "", **kwargs: Any
) -> Literal[True] | None: ...
@overload
def perform(
    request: AuthenticatedRequest, action: Callable[..., T], /, *, success: str = "", **kwargs: Any
) -> T | None: ...
def perform(
    request: AuthenticatedRequest, action: Callable[..., Any], /, *, success: str = "", **kwargs: Any
) -> Any:
    """Call a service as the current user; a refused action becomes an error message.

    Returns the service's result, or None when it was refused (nothing changed).
    """
    try:
        result = action(by=request.user, **kwargs)
    except ValidationError as exc:
        show_error(request, exc)
        return None
    if success:
        messages.success(request, success)
    return result if result is not None else True


@overload
def perform_in_form(
    request: AuthenticatedRequest,
    form: BaseForm,
    action: Callable[..., None],
    /,
    *,
    success: str | None = None,
    **kwargs: Any,
) -> Literal[True] | None: ...
@overload
def perform_in_form(
    request: AuthenticatedRequest,
    form: BaseForm,
    action: Callable[..., T],
    /,
    *,
    success: str | Callable[[T], str] | None = None,
    **kwargs: Any,
) -> T | None: ...
def perform_in_form(
    request: AuthenticatedRequest,
    form: BaseForm,
    action: Callable[..., Any],
    /,
    *,
    success: str | Callable[[Any], str] | None = None,
    **kwargs: Any,
) -> Any:
    """Like ``perform`` for a full-page form: a refusal is shown at the top of the form."""
    try:
        result = action(by=request.user, **kwargs)
    except ValidationError as exc:
        show_error(request, exc, form=form)
        return None
    if success:
        messages.success(request, success(result) if callable(success) else success)
    return result if result is not None else True


@overload
def perform_form(
    request: AuthenticatedRequest,
    form: BaseForm,
    action: Callable[..., None],
    /,
    *,
    success: str = "",
    **kwargs: Any,
) -> Literal[True] | None: ...
@overload
def perform_form(
    request: AuthenticatedRequest,
    form: BaseForm,
    action: Callable[..., T],
    /,
    *,
    success: str = "",
    **kwargs: Any,
) -> T | None: ...
def perform_form(
    request: AuthenticatedRequest,
    form: BaseForm,
    action: Callable[..., Any],
    /,
    *,
    success: str = "",
    **kwargs: Any,
) -> Any:
    """A small action form posted from a detail page: an invalid form becomes error messages, a
    valid one is handed to the service together with ``kwargs``. A full or read-only disk marks the
    form (``form.storage_failed``): the caller shows the page again with it, what was typed kept."""
    if not form.is_valid():
        form_errors(request, form)
        return None
    try:
        result = action(by=request.user, **kwargs, **form.cleaned_data)
    except ValidationError as exc:
        if not show_upload_error(form, exc):
            show_error(request, exc)
        return None
    if success:
        messages.success(request, success)
    return result if result is not None else True
