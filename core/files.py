import logging
import mimetypes
from pathlib import Path

import django.dispatch
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404

from .filecheck import verify

logger = logging.getLogger(__name__)

# sent when a download finds its file missing or damaged: (name, state); notifications tells the office
file_problem = django.dispatch.Signal()

PROBLEM_MESSAGES = {
    "missing": "该文件在服务器上缺失，暂时无法下载。",
    "damaged": "该文件在服务器上已损坏（与上传时的校验值不符），为避免您拿到错误的内容，已停止下载。",
}


class FileUnavailable(Http404):
    """A stored file that is missing or damaged: shown as a Chinese page by core.middleware."""

    def __init__(self, name: str, state: str):
        super().__init__(PROBLEM_MESSAGES[state])
        self.name = name
        self.state = state


def serve_protected_file(
    field_file: FieldFile | None, *, filename: str | None = None, inline: bool = False
) -> FileResponse:
    """Stream a stored upload after checking it against its SHA-256. Callers check permission first;
    no upload has a public URL."""
    if not field_file or not field_file.name:  # a FieldFile is false without a name
        raise Http404("文件不存在")
    stored = field_file.name
    state = verify(stored)
    if state in PROBLEM_MESSAGES:
        logger.error("download of %s refused: file %s", stored, state)
        file_problem.send(sender=FileUnavailable, name=stored, state=state)
        raise FileUnavailable(stored, state)
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise FileUnavailable(stored, "missing") from exc
    name = filename or Path(stored).name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=not inline, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
