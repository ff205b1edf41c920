"""The reporting rhythm and its office settings (core.SiteSetting), as a policy-pack section and as
what the office edits on the settings page.

Section fields (all but ``rhythm`` optional; a missing one keeps the platform's value):

    rhythm                 quarter | half | year         报送周期
    due_days_after_period  1–90 (15)                     报告截止（期末后天数）
    reminder_days          [first, second], 60 ≥ first > second ≥ 1 ([14, 3])  截止提醒
    amber_band_pct         1–50 (10)                     滞后区间（%）

``validate_rhythm`` is pure (no database) and returns every problem as (field path, Chinese
message); ``apply_rhythm`` writes a valid section into the settings row (recorded in its history).
"""

from typing import TYPE_CHECKING, Any

from . import rhythm as rh
from .history import save_with_history

if TYPE_CHECKING:
    from .models import SiteSetting

FIELDS = ("rhythm", "due_days_after_period", "reminder_days", "amber_band_pct")
# section field → SiteSetting field
COLUMNS = {
    "rhythm": "reporting_rhythm",
    "due_days_after_period": "report_due_days_after_half",
    "amber_band_pct": "amber_band_pct",
}


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def validate_rhythm(data: object, path: str = "reporting") -> list[tuple[str, str]]:
    """Every problem of a reporting-rhythm section as (field path, Chinese message); [] when valid."""
    if not isinstance(data, dict):
        return [(path, "报送周期设置应为一组字段（rhythm、due_days_after_period……）。")]
    errors = [(f"{path}.{key}", f"未知字段“{key}”。") for key in data if key not in FIELDS]
    if "rhythm" not in data:
        errors.append((f"{path}.rhythm", "缺少报送周期（quarter 每季度、half 每半年、year 每年）。"))
    elif data["rhythm"] not in rh.PER_YEAR:
        errors.append(
            (
                f"{path}.rhythm",
                f"报送周期“{data['rhythm']}”无效，应为 quarter（每季度）、half（每半年）或 year（每年）。",
            )
        )
    if "due_days_after_period" in data:
        days = _int(data["due_days_after_period"])
        if days is None or not 1 <= days <= 90:
            errors.append(
                (f"{path}.due_days_after_period", "报告截止（期末后天数）应为 1 至 90 之间的整数。")
            )
    if "reminder_days" in data:
        days = data["reminder_days"]
        if not isinstance(days, list) or len(days) != 2 or any(_int(d) is None for d in days):
            errors.append((f"{path}.reminder_days", "截止提醒应为两个整数（截止前天数），例如 [14, 3]。"))
        elif not 60 >= days[0] > days[1] >= 1:
            errors.append(
                (
                    f"{path}.reminder_days",
                    "第一次提醒应早于第二次提醒，且都在截止前 1 至 60 天之间（例如 [14, 3]）。",
                )
            )
    if "amber_band_pct" in data:
        pct = _int(data["amber_band_pct"])
        if pct is None or not 1 <= pct <= 50:
            errors.append((f"{path}.amber_band_pct", "滞后区间应为 1 至 50 之间的整数（百分比）。"))
    return errors


def rhythm_values(data: dict[str, Any]) -> dict[str, Any]:
    """The SiteSetting fields of a valid section (what ``apply_rhythm`` and the pack loader write)."""
    values = {COLUMNS[k]: data[k] for k in COLUMNS if k in data}
    if "reminder_days" in data:
        values["report_remind_first_days"], values["report_remind_second_days"] = data["reminder_days"]
    return values


def apply_rhythm(data: dict[str, Any], *, by: Any = None, reason: str = "") -> list[str]:
    """Write a valid section into the settings (idempotent); returns the SiteSetting fields changed.

    Raises ValueError when the section is invalid (nothing is written). A change is recorded in
    the settings' history; the beat schedule follows it (scheduler.signals).
    """
    from .models import SiteSetting

    errors = validate_rhythm(data)
    if errors:
        raise ValueError("；".join(f"{p}：{m}" for p, m in errors))
    values = rhythm_values(data)
    setting = SiteSetting.get()
    changed = [k for k, v in values.items() if getattr(setting, k) != v]
    if not changed:
        return []
    for key in changed:
        setattr(setting, key, values[key])
    save_with_history(setting, by, reason=reason or None)
    return changed


def section_of(setting: "SiteSetting") -> dict[str, Any]:
    """The section as the settings hold it (what the settings page shows and a pack exports)."""
    return {
        "rhythm": setting.reporting_rhythm,
        "due_days_after_period": setting.report_due_days_after_half,
        "reminder_days": [setting.report_remind_first_days, setting.report_remind_second_days],
        "amber_band_pct": setting.amber_band_pct,
    }
