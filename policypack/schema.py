"""The declared schema of each section (``policypack/schemas/*.json``, JSON Schema 2020-12), checked with
``jsonschema`` and its errors told in Chinese at the file, line and field they concern."""

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError

from .files import PackFile, plain

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"

TYPE_NAMES = {
    "string": "文字",
    "integer": "整数",
    "number": "数字",
    "boolean": "true 或 false",
    "array": "列表",
    "object": "字段表",
    "null": "空值",
}


@cache
def load_schema(name: str) -> dict:
    schema = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema


def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(load_schema(name), format_checker=FormatChecker())


def _types(expected: str | list[str]) -> str:
    names = [expected] if isinstance(expected, str) else list(expected)
    return "或".join(TYPE_NAMES.get(n, n) for n in names if n != "null") or "空值"


def _message(error: ValidationError) -> tuple[tuple[Any, ...], str]:
    """(extra path, Chinese message) for one jsonschema error."""
    kind, arg, value = error.validator, error.validator_value, error.instance
    if kind == "required":
        missing = next((k for k in arg if not isinstance(value, dict) or k not in value), arg[0])
        return (missing,), "缺少必填字段"
    if kind == "additionalProperties":
        extra = sorted(k for k in value if k not in error.schema.get("properties", {}))
        return (
            (extra[0],) if extra else ()
        ), f"未知字段（允许的字段：{'、'.join(error.schema.get('properties', {}))}）"
    if kind == "type":
        return (), f"应为{_types(arg)}，实为“{value}”"
    if kind == "enum":
        return (), f"取值“{value}”不在允许范围内（{'、'.join(str(v) for v in arg)}）"
    if kind == "const":
        return (), f"应为“{arg}”"
    if kind == "format" and arg == "date":
        return (), f"应为日期（如 2022-01-06），实为“{value}”"
    if kind == "minLength":
        return (), "不能为空"
    if kind == "maxLength":
        return (), f"不能超过 {arg} 个字"
    if kind == "minItems":
        return (), f"至少应有 {arg} 项"
    if kind in ("minimum", "exclusiveMinimum"):
        return (), f"应{'不小于' if kind == 'minimum' else '大于'} {arg}，实为 {value}"
    if kind in ("maximum", "exclusiveMaximum"):
        return (), f"应{'不大于' if kind == 'maximum' else '小于'} {arg}，实为 {value}"
    if kind == "pattern":
        return (), f"“{value}”格式不对（应匹配 {arg}）"
    if kind == "uniqueItems":
        return (), "列表中有重复项"
    return (), f"不符合格式要求（{error.message}）"


def check(doc: PackFile, schema_name: str, prefix: tuple = ()) -> list:
    """Validate ``doc.data`` (or the part at ``prefix``) against a schema; errors are added to ``doc``."""
    data = doc.data
    for part in prefix:
        data = data.get(part) if isinstance(data, dict) else None
    found = []
    for error in sorted(
        validator(schema_name).iter_errors(plain(data)), key=lambda e: list(map(str, e.path))
    ):
        if error.validator in ("anyOf", "oneOf") and error.context:
            error = min(error.context, key=lambda e: len(e.path))  # the closest alternative explains best
        extra, message = _message(error)
        found.append(doc.error(prefix + tuple(error.absolute_path) + extra, message))
    return found
