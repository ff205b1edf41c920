"""Normalisation and validation of what enterprises type: credit codes and award references."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import uscc

_SPACES = re.compile(r"\s+")


def halfwidth(value: str) -> str:
    """Full-width letters, digits and punctuation (ＡＢＣ１２３－) to their ASCII forms (NFKC)."""
    return unicodedata.normalize("NFKC", value or "")


def normalize_credit_code(value: str) -> str:
    return _SPACES.sub("", halfwidth(value)).upper()


def credit_code_of(value: str) -> str:
    """Check a 统一社会信用代码 (GB 32100, check digit included); returns the normalised code."""
    code = normalize_credit_code(value)
    try:
        return uscc.validate(code)
    except stdnum_exceptions.InvalidLength as exc:
        raise ValidationError(
            f"统一社会信用代码应为 18 位，您输入的是 {len(code)} 位。", code="invalid_length"
        ) from exc
    except stdnum_exceptions.InvalidChecksum as exc:
        raise ValidationError(
            "统一社会信用代码的校验位不正确，请对照营业执照逐位核对。", code="invalid_checksum"
        ) from exc
    except stdnum_exceptions.ValidationError as exc:
        raise ValidationError(
            "统一社会信用代码格式不正确：前 8 位应为数字，其余为数字或大写字母（不含 I、O、Z、S、V）。",
            code="invalid_format",
        ) from exc


def validate_credit_code(value: str) -> None:
    """The field validator (``Enterprise.credit_code``, named in migrations): ``credit_code_of``
    without its result."""
    credit_code_of(value)


# Dash, hyphen and minus look-alikes (category Pd plus the minus signs NFKC leaves alone): one "-".
_DASHES = set(
    "\u002d\u058a\u05be\u1400\u1806\u2010\u2011\u2012\u2013\u2014\u2015\u2e17\u2e1a\u2e3a\u2e3b\u2e40"
    "\u2e5d\u301c\u3030\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d\U00010ead"  # every Unicode Pd
    "\u2212\u2796\u02d7\u2043"  # minus signs and the hyphen bullet
)
# Slash look-alikes: dropped, so "GB/T" and "GBT" (the slash left out) are the same reference.
_SLASHES = {"/", "\\", "\u2044", "\u2215", "\u29f8", "\uff0f", "\u3033", "\u2571"}


def canonical_reference(value: str) -> str:
    """The key of 同一奖项不得重复奖励 (三(二)); the one function every duplicate check uses.

    NFKC (full-width forms), then every format character (category Cf: U+200B, U+2060, U+00AD,
    U+FEFF …) and all whitespace removed, every dash/hyphen/minus variant written "-", slashes
    and all other punctuation and symbols dropped, case folded. A dot between two digits is kept:
    it is part of a standard's number ("GB/T 1.1-2020" is not "GB/T 11-2020"); a trailing or
    decorative full stop is not.
    """
    kept: list[object] = []  # characters, and the _DOT marker
    for char in unicodedata.normalize("NFKC", value or ""):
        if char in _DASHES:
            kept.append("-")
            continue
        category = unicodedata.category(char)
        if category == "Cf" or category[0] in "ZC" or char.isspace() or char in _SLASHES:
            continue
        if char == ".":
            kept.append(_DOT)
            continue
        if category[0] in "PS":  # other punctuation and symbols: 。, ( ) # …
            continue
        kept.append(char)
    out = [
        "." if c is _DOT else str(c)
        for i, c in enumerate(kept)
        if c is not _DOT or (0 < i < len(kept) - 1 and _is_digit(kept[i - 1]) and _is_digit(kept[i + 1]))
    ]
    return "".join(out).casefold()


_DOT = object()  # a "." whose meaning depends on its neighbours (see canonical_reference)


def _is_digit(char: object) -> bool:
    return isinstance(char, str) and char.isdigit()


def is_invisible(char: str) -> bool:
    """Format, control and unusual space characters (everything but the plain space)."""
    category = unicodedata.category(char)
    return char != " " and (category == "Cf" or category[0] in "ZC")


def visible_reference(value: str) -> str:
    """The reference as typed, with invisible characters written ⟨U+200B⟩ (exports)."""
    return "".join(f"⟨U+{ord(c):04X}⟩" if is_invisible(c) else c for c in value or "")
