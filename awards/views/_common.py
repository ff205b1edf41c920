from django.core.exceptions import ValidationError

from core.upload_errors import show_upload_error


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: per field where it names one, else on top (a
    full or read-only disk through ``core.upload_errors``, like every upload view)."""
    if show_upload_error(form, exc):
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, [e.messages[0] for e in errors])
    else:
        form.add_error(None, exc.messages)


def error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)
