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


def validate_credit_code(value: str) -> str:
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


def normalize_reference(value: str) -> str:
    """The key of 同一奖项不得重复奖励: case, spaces and full-width characters do not matter."""
    return _SPACES.sub("", halfwidth(value)).upper()
