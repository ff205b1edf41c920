"""A full or read-only disk while an upload is stored: one way for every upload view.

``core.storage`` raises ``StorageUnavailable`` (a ValidationError with a Chinese message) when a file
cannot be written; the service's transaction rolls back, so nothing was changed and no file is kept.
Every upload view catches it around its service call and hands it to ``show_upload_error``: the
message goes on top of the form, and the view renders the same page again (status 200) with what the
person typed. A browser never refills a file input: the message says the file must be chosen again.
``core.middleware.StorageProblemMiddleware`` (a 503 page) is left for a view that forgot.
"""

from typing import TypeGuard

from django import forms

from .storage import StorageUnavailable

STORAGE_FAILED_STATUS = 200  # the person did nothing wrong: the page is shown again, not an error page


def is_storage_failure(exc: BaseException) -> TypeGuard[StorageUnavailable]:
    return isinstance(exc, StorageUnavailable)


def show_upload_error(form: forms.BaseForm, exc: BaseException) -> bool:
    """Put a storage failure on ``form`` (True); anything else is not handled here (False)."""
    if is_storage_failure(exc):
        form.add_error(None, exc.messages)
        # templates may say which file inputs to fill again (an attribute forms do not declare)
        setattr(form, "storage_failed", True)  # noqa: B010
        return True
    return False
