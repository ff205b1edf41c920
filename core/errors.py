"""How the platform fails: the one service error, the one view helper that shows it, error pages.

A service that refuses an action raises ``ServiceError``, and only that (tests/test_conventions.py):
a Chinese message safe to show, and a code naming the rule. ``ServiceError`` is a ``ValidationError``,
the type model and form validation raise, so a view catches ``ValidationError`` (a refusal of the
service, or of a Django validator the service ran) and calls ``show_error`` — onto the form it
re-renders, or as a message before it redirects. Nothing else turns a refusal into something a
person sees.

404 and 403 extend ``base.html`` (the navigation of a logged-in user included). 400, 429 and 500
are rendered from ``errors/_plain.html`` without the request's context processors: they must work
when the database is down or the request itself is broken (no session, no user, no query).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django_ratelimit.exceptions import Ratelimited

from .policy import remembered_policy_document


class ServiceError(ValidationError):
    """A service refused the action; nothing was changed. ``message`` is Chinese and safe to show:
    a string, a list, or a dict ``{"field": "…"}`` that puts it on that form field (``show_error``);
    a ``ValidationError`` (of ``full_clean`` or a Django validator) is taken over with its messages
    and fields. ``code`` names the rule for tests and logs, ``default_code`` when none is given; it
    is set for every shape of message (Django sets ``code`` only on a single message). A
    ``ValidationError``, so forms, ``full_clean`` and every ``except ValidationError`` treat both
    alike."""

    default_code = "refused"
    code: str

    def __init__(
        self,
        message: str | list | dict | ValidationError,
        code: str | None = None,
        params: dict | None = None,
    ) -> None:
        super().__init__(message, code=code or self.default_code, params=params)
        if code is not None or not getattr(self, "code", None):
            self.code = code or self.default_code

    def __str__(self) -> str:
        return "；".join(self.messages)


@contextmanager
def refused_as(code: str) -> Iterator[None]:
    """Raise what a Django validator run inside a service refuses (``validate_password``,
    ``full_clean``, a field validator) as a ``ServiceError`` with ``code``, its messages and fields
    kept: a service raises only ``ServiceError``."""
    try:
        yield
    except ServiceError:
        raise
    except ValidationError as exc:
        raise ServiceError(exc, code=code) from exc


def show_error(
    request: HttpRequest, exc: ValidationError, *, form: BaseForm | None = None, level: int = messages.ERROR
) -> None:
    """Show a refused service call: on ``form`` (on the field the error names when the form has it,
    else at the top), or without a form as one message per error."""
    if form is not None:
        from .upload_errors import show_upload_error  # storage → errors: imported when used

        if show_upload_error(form, exc):  # a full or read-only disk: the same page, what was typed kept
            return
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                form.add_error(name if name in form.fields else None, ValidationError(errors))
        else:
            form.add_error(None, exc)
        return
    for message in exc.messages:
        messages.add_message(request, level, message)


def _plain(template: str, status: int) -> HttpResponse:
    policy = remembered_policy_document()  # no query: the database may be what is broken
    html = loader.get_template(template).render({"platform_name": policy.platform_name, "policy": policy})
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _plain("errors/400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, Ratelimited):
        return _plain("errors/429.html", 429)
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _plain("errors/500.html", 500)
