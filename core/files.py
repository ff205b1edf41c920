import mimetypes
from pathlib import Path

from django.http import FileResponse, Http404


def serve_protected_file(field_file, *, filename: str | None = None, inline: bool = False) -> FileResponse:
    """Stream a stored upload. Callers check permission first; no upload has a public URL."""
    if not field_file:
        raise Http404("文件不存在")
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("文件不存在") from exc
    name = filename or Path(field_file.name).name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=not inline, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
