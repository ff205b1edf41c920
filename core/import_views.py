"""The pages every spreadsheet import shares (``core.imports``): the upload step, the preview of a
stored batch, confirm and discard (the original file is served by the app that owns its provenance). Each
app keeps its own upload page (its form and what surrounds it) and calls ``run_upload``."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .imports import (
    DISCARD_DONE,
    NOTHING_PENDING,
    Preview,
    import_confirm,
    import_discard,
    import_preview,
    importer_for,
    latest_batch,
    repeat_message,
)
from .models import ImportBatch
from .upload_errors import STORAGE_FAILED_STATUS, show_upload_error


def run_upload(
    request: HttpRequest,
    form: BaseForm,
    *,
    kind: str,
    params: dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> tuple[HttpResponseRedirect | None, Preview | None, int]:
    """The upload step of an import page. Returns (redirect or None, preview or None, status).

    On a POST whose form is valid the file is read and every row checked: all rows right → the
    batch is stored and the caller returns the redirect to its preview; rows wrong → the caller
    renders its page with ``preview.errors`` (400); the whole file refused, or the disk full → the
    message is on the form (what the person typed is kept, the file must be chosen again)."""
    if request.method != "POST":
        return None, None, 200
    if not form.is_valid():
        return None, None, 400
    data = form.cleaned_data
    try:
        preview = import_preview(
            kind=kind,
            uploaded=data["file"],
            by=request.user,
            params=params(data) if callable(params) else (params or {}),
        )
    except ValidationError as exc:
        if show_upload_error(form, exc):  # a full or read-only disk: the form again, what was typed kept
            return None, None, STORAGE_FAILED_STATUS
        form.add_error("file" if "file" in form.fields else None, exc.messages)  # ImportRefused
        return None, None, 400
    if preview.ok:
        assert preview.batch is not None  # Preview.ok: every row passed and the batch was stored
        return redirect("core:import_preview", pk=preview.batch.pk), preview, 302
    return None, preview, 400


def _batch_for(request: HttpRequest, pk: int) -> ImportBatch:
    """The person's own batch: a role that may not use the import gets 403, anybody else's is 404."""
    batch = get_object_or_404(ImportBatch, pk=pk)
    if not importer_for(batch.kind).may_use(request.user):
        raise PermissionDenied("您没有权限使用该导入。")
    if batch.uploaded_by_id != request.user.pk:
        raise Http404("导入记录不存在")
    return batch


@login_required
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for(request, pk)
    importer = importer_for(batch.kind)
    context = {
        "batch": batch,
        "importer": importer,
        "rows": batch.rows[: importer.preview_rows],
        "upload_url": importer.upload_url(batch),
    }
    return render(request, "imports/preview.html", context)


def confirm_batch(request: HttpRequest, batch: ImportBatch) -> HttpResponseRedirect:
    """Confirm one batch and redirect: the result, the first result again, or why it was refused."""
    importer = importer_for(batch.kind)
    try:
        outcome = import_confirm(batch=batch, by=request.user)
    except ValidationError as exc:  # ImportRefused, or a refusal from the importer's services
        for message in exc.messages:
            messages.error(request, message)
        return redirect("core:import_preview", pk=batch.pk)
    if outcome.repeated:  # a second click (double click, reload, two tabs): the first result
        messages.info(request, repeat_message(outcome.batch))
    else:
        messages.success(request, outcome.message)
    return redirect(importer.done_url(outcome.batch))


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    return confirm_batch(request, _batch_for(request, pk))


def confirm_latest(request: HttpRequest, *, kind: str, upload_url: str) -> HttpResponseRedirect:
    """A confirm button without the batch in its URL: the person's latest batch of ``kind``."""
    batch = latest_batch(kind=kind, by=request.user)
    if batch is None:
        messages.error(request, NOTHING_PENDING)
        return redirect(upload_url)
    return confirm_batch(request, batch)


@login_required
@require_POST
def discard(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    batch = _batch_for(request, pk)
    if import_discard(batch=batch, by=request.user):
        messages.info(request, DISCARD_DONE)
    return redirect(importer_for(batch.kind).upload_url(batch))
