import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .files import FileUnavailable
from .storage import STORAGE_MESSAGE, StorageUnavailable
from .text import has_control_characters

REFRESHED_KEY = "_refreshed"


def stamp_session_on_login(sender: type, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """A fresh login has just saved the session: the first page after it need not save it again."""
    if getattr(request, "session", None) is not None:
        request.session[REFRESHED_KEY] = int(time.time())


class SessionActivityMiddleware:
    """Idle expiry without a session write on every request.

    A session expires ``SESSION_COOKIE_AGE`` seconds after it was last saved. Saving it on every
    request (SESSION_SAVE_EVERY_REQUEST) would cost a database write per page; instead the session
    is re-saved when the last refresh is older than ``SESSION_REFRESH_SECONDS``, so a user idle for
    between AGE − REFRESH and AGE seconds must log in again. Sits after SessionMiddleware so that its
    response phase runs first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.refresh = settings.SESSION_REFRESH_SECONDS

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated and not session.is_empty():
            now = int(time.time())
            if now - session.get(REFRESHED_KEY, 0) >= self.refresh:
                session[REFRESHED_KEY] = now  # marks the session modified: saved with a new expiry
        return response


class StorageProblemMiddleware:
    """Chinese pages for a file that cannot be read (missing, damaged) or written (disk full, read-only)
    when the view did not handle it itself (views that catch service errors show the storage message
    on their form, with what the user typed)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, FileUnavailable):
            return render(
                request,
                "errors/file_unavailable.html",
                {"message": exception.args[0], "state": exception.state},
                status=404,
            )
        if isinstance(exception, StorageUnavailable):
            return render(
                request, "errors/storage_unavailable.html", {"message": STORAGE_MESSAGE}, status=503
            )
        return None


class ControlCharacterMiddleware:
    """A query parameter holding a control character is a 400 with a Chinese page, never a 500.

    PostgreSQL refuses NUL in text, so ``?q=%00`` on any list filter failed deep in a query; no
    legitimate link or search box produces a control character. Form fields refuse them through
    their validator (``core.apps.install_text_validators``), with the message next to the field.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for key, values in request.GET.lists():
            if has_control_characters(key, multiline=False) or any(
                has_control_characters(v, multiline=False) for v in values
            ):
                raise BadRequest("query parameter with a control character")
        return self.get_response(request)
