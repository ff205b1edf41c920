"""Reading typed values from cells of an uploaded spreadsheet (the office's legacy files)."""

import datetime as dt


def cell_text(value: object) -> str:
    """A cell as stripped text; 12.0 (how Excel stores a typed number) becomes "12", a date cell
    2025-01-31 (a date-time at midnight too)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def cell_date(value: object, label: str, errors: list[str]) -> dt.date | None:
    """A date cell or text such as 2023-05-01, 2023/5/1, 2023.5.1, 2023年5月1日; an unreadable
    value appends a Chinese error naming ``label`` and gives None."""
    if value is None or cell_text(value) == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = (
        cell_text(value)
        .replace("/", "-")
        .replace(".", "-")
        .replace("年", "-")
        .replace("月", "-")
        .rstrip("日")
    )
    try:
        return dt.date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
    except ValueError:
        errors.append(f"{label}“{cell_text(value)}”不是有效日期（应为 2023-05-01 这样的格式）。")
        return None
