"""The joint meeting's cycle as data (meetings.MeetingRule → core.rhythm.MeetingCycle).

``validate_meeting_rule`` and ``apply_meeting_rule`` are the policy pack's section for meeting rules
(docs/policy-pack.md): the first is pure and returns every problem as (field path, Chinese message),
the second writes a valid section. ``current_cycle`` is what the services and the scheduler read.
"""

from typing import Any

from core.rhythm import JIANLI_CYCLE, MeetingCycle

from .models import MeetingRule

FREQUENCIES = (1, 2, 3, 4, 6, 12)
CYCLE_FIELDS = ("frequency_months", "months", "day", "topic_call_lead_days", "notice_lead_days")
# the reminder days of the rule (meetings.reminders), 1–30, 3 when the pack says nothing
REMINDER_FIELDS = ("topic_call_closing_days", "followup_due_days")
DEFAULT_REMINDER_DAYS = 3
FIELDS = ("name", *CYCLE_FIELDS, *REMINDER_FIELDS, "convener")


def derived_months(every_months: int) -> tuple[int, ...]:
    """The months of a cycle given none: counted back from December (6 → June, December)."""
    return tuple(range(every_months, 13, every_months))


def cycle_of(rule: MeetingRule | None) -> MeetingCycle:
    if rule is None:
        return JIANLI_CYCLE
    months = tuple(sorted(rule.months)) if rule.months else derived_months(rule.frequency_months)
    return MeetingCycle(
        every_months=rule.frequency_months,
        months=months,
        day=rule.day,
        topic_call_lead_days=rule.topic_call_lead_days,
        notice_lead_days=rule.notice_lead_days,
    )


def current_rule() -> MeetingRule | None:
    return MeetingRule.objects.order_by("pk").first()


def current_cycle() -> MeetingCycle:
    """The cycle of the platform's meeting rule (the first one; Jianli's when none is loaded)."""
    return cycle_of(current_rule())


def _int(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def validate_meeting_rule(data: object, path: str = "meeting_rule") -> list[tuple[str, str]]:
    """Every problem of a meeting-rule section as (field path, Chinese message); [] when valid.

    Pure: reads nothing from the database. Fields: ``name`` (required), ``frequency_months``
    (1, 2, 3, 4, 6 or 12), ``months`` (optional: one month per cycle, ``frequency_months`` apart),
    ``day`` (1–31, default 15), ``topic_call_lead_days`` and ``notice_lead_days`` (optional, 1–366
    and 1–90, the first larger than the office's topic deadline is not checked here), ``convener``.
    """
    errors: list[tuple[str, str]] = []
    if not isinstance(data, dict):
        return [(path, "联席会议制度应为一组字段（名称、召开周期、召开月份……）。")]
    for key in data:
        if key not in FIELDS and key != "articles":
            errors.append((f"{path}.{key}", f"未知字段“{key}”。"))
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        errors.append((f"{path}.name", "缺少联席会议制度名称。"))
    every = _int(data.get("frequency_months", 6))
    if every not in FREQUENCIES:
        errors.append(
            (f"{path}.frequency_months", "召开周期（月）应为 1、2、3、4、6 或 12 之一（一年内周期相同）。")
        )
        every = None
    months = data.get("months")
    if months is not None:
        if (
            not isinstance(months, list)
            or not months
            or any(_int(m) is None or not 1 <= m <= 12 for m in months)
        ):
            errors.append((f"{path}.months", "召开月份应为 1 至 12 的月份列表，例如 [6, 12]。"))
        elif len(set(months)) != len(months):
            errors.append((f"{path}.months", "召开月份有重复。"))
        elif every is not None:
            ordered = sorted(months)
            if len(ordered) != 12 // every:
                errors.append(
                    (
                        f"{path}.months",
                        f"每 {every} 个月召开一次，一年应有 {12 // every} 个召开月份，实际为 {len(ordered)} 个。",
                    )
                )
            elif any(b - a != every for a, b in zip(ordered, ordered[1:], strict=False)):
                errors.append((f"{path}.months", f"召开月份之间应相隔 {every} 个月。"))
    day = data.get("day", 15)
    if _int(day) is None or not 1 <= day <= 31:
        errors.append((f"{path}.day", "召开日应为 1 至 31 之间的整数（当月无该日时取月末）。"))
    lead = data.get("topic_call_lead_days")
    if lead is not None and (_int(lead) is None or not 1 <= lead <= 366):
        errors.append(
            (f"{path}.topic_call_lead_days", "议题征集发出（会前天数）应为 1 至 366 之间的整数，或留空。")
        )
    notice = data.get("notice_lead_days")
    if notice is not None and (_int(notice) is None or not 1 <= notice <= 90):
        errors.append(
            (f"{path}.notice_lead_days", "会议通知提醒（会前天数）应为 1 至 90 之间的整数，或留空。")
        )
    if not errors and lead is not None and notice is not None and notice > lead:
        errors.append((f"{path}.notice_lead_days", "会议通知提醒不能早于议题征集发出。"))
    for key, what in zip(REMINDER_FIELDS, ("议题征集截止提醒", "督办到期提醒"), strict=True):
        days = data.get(key, DEFAULT_REMINDER_DAYS)
        if _int(days) is None or not 1 <= days <= 30:
            errors.append((f"{path}.{key}", f"{what}（提前天数）应为 1 至 30 之间的整数。"))
    convener = data.get("convener", "")
    if not isinstance(convener, str):
        errors.append((f"{path}.convener", "召集人应为文字。"))
    return errors


def cycle_values(data: dict[str, Any]) -> dict[str, Any]:
    """The MeetingRule cycle fields of a valid section (what ``apply_meeting_rule`` and the pack write)."""
    return {
        "frequency_months": data.get("frequency_months", 6),
        "months": sorted(data["months"]) if data.get("months") else [],
        "day": data.get("day", 15),
        "topic_call_lead_days": data.get("topic_call_lead_days"),
        "notice_lead_days": data.get("notice_lead_days"),
        **{key: data.get(key, DEFAULT_REMINDER_DAYS) for key in REMINDER_FIELDS},
    }


def apply_meeting_rule(data: dict[str, Any]) -> MeetingRule:
    """Write a valid meeting-rule section (by name: idempotent). Raises ValueError when invalid."""
    errors = validate_meeting_rule(data)
    if errors:
        raise ValueError("；".join(f"{p}：{m}" for p, m in errors))
    values = cycle_values(data)
    if "convener" in data:
        values["convener"] = data["convener"]
    if "articles" in data:
        values["articles"] = data["articles"]
    rule = MeetingRule.objects.filter(name=data["name"].strip()).first()
    if rule is None:
        return MeetingRule.objects.create(name=data["name"].strip(), **{"convener": "", **values})
    changed = [k for k, v in values.items() if getattr(rule, k) != v]
    for key in changed:
        setattr(rule, key, values[key])
    if changed:
        rule.save()
    return rule
