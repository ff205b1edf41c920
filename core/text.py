"""Control characters in text: refused on the way in, dropped on the way out.

One place for every form field (``CoreConfig.ready`` gives every form ``CharField`` the validator),
every query parameter (``core.middleware.ControlCharacterMiddleware``), every xlsx import
(``core.uploads.sheet_rows``) and every export (``xml_safe`` in ``core.documents`` and
``core.uploads.escape_cell``). A control character shows as nothing on screen, breaks every xlsx
and docx export that contains it (openpyxl and lxml refuse it), and CR/LF split e-mail headers.
"""

import re
from typing import TypeVar, overload

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# C0 controls and DEL and C1 controls; tab, LF and CR are allowed in multi-line text only
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
MULTILINE_CONTROL_RE = re.compile(f"[{_CONTROLS}]")
CONTROL_RE = re.compile(f"[{_CONTROLS}\t\n\r]")
# what XML 1.0 cannot hold at all (openpyxl and python-docx refuse it), lone surrogates and
# the two non-characters included
XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

T = TypeVar("T")

CONTROL_MESSAGE = "内容含有不可见的控制字符（如从其他系统复制时带入的特殊符号），请删除后重新填写。"


def has_control_characters(value: object, *, multiline: bool = True) -> bool:
    if not isinstance(value, str):
        return False
    return bool((MULTILINE_CONTROL_RE if multiline else CONTROL_RE).search(value))


@deconstructible
class ControlCharacterValidator:
    """Refuses control characters; ``multiline`` allows tab, LF and CR (a textarea's line breaks)."""

    message = CONTROL_MESSAGE
    code = "control_characters"

    def __init__(self, multiline: bool = True) -> None:
        self.multiline = multiline

    def __call__(self, value: object) -> None:
        if has_control_characters(value, multiline=self.multiline):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ControlCharacterValidator) and other.multiline == self.multiline


validate_text = ControlCharacterValidator(multiline=True)
validate_single_line = ControlCharacterValidator(multiline=False)


@overload
def xml_safe(value: str) -> str: ...
@overload
def xml_safe(value: T) -> T: ...
def xml_safe(value: object) -> object:
    """Text with the characters XML cannot hold dropped; anything else unchanged."""
    if isinstance(value, str):
        return XML_ILLEGAL_RE.sub("", value)
    return value


def strip_controls(value: str, *, multiline: bool = True) -> str:
    """Stored text cleaned: single-line text gets a space for a line break, other controls go."""
    if not multiline:
        value = re.sub(r"[\t\r\n]+", " ", value)
    return MULTILINE_CONTROL_RE.sub("", value)


def header_safe(value: str) -> str:
    """One line for an e-mail header (subject built from names): line breaks become spaces."""
    return " ".join(strip_controls(str(value), multiline=False).split())
