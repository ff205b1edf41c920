from django.contrib import messages
from django.core.exceptions import ValidationError

from core.errors import show_error
from core.upload_errors import show_upload_error


def form_errors(request, form) -> None:
    """Report a POSTed form's errors as messages (for the small action forms on detail pages)."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else error)


def perform(request, action, /, *, success: str = "", **kwargs):
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


def perform_in_form(request, form, action, /, *, success=None, **kwargs):
    """Like ``perform`` for a full-page form: a refusal is shown at the top of the form."""
    try:
        result = action(by=request.user, **kwargs)
    except ValidationError as exc:
        show_error(request, exc, form=form)
        return None
    if success:
        messages.success(request, success(result) if callable(success) else success)
    return result if result is not None else True


def perform_form(request, form, action, /, *, success: str = "", **kwargs):
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
