"""The awards part of a policy pack (docs/policy-pack.md): funding sources and reward lines with their
rules, checked and written from parsed YAML.

The ``validate_*`` functions are pure: parsed data in, ``(field path, Chinese message)`` out, the path
from the file's top (``reward_items[3].tiers[1].amount_yuan``, indices from 0). The ``apply_*``
functions write through the ``upsert`` the loader hands them (it keeps the office's edits); this app
does not import the loader.
"""

import datetime as dt
from collections.abc import Callable, Set
from typing import Any

from .models import (
    MAX_AMOUNT_YUAN,
    FundingPath,
    FundingSource,
    FundingStep,
    NominationRule,
    RewardAmount,
    RewardGroup,
    RewardItem,
    RewardTier,
)

Errors = list[tuple[str, str]]
Path = tuple[str | int, ...]
Rows = list[tuple[int, dict[str, Any]]]
# policypack's upsert(model, lookup, values, report) -> the row written; the loader hands it (and its
# report, which this module only passes on) over: policypack sits above this app
Upsert = Callable[..., Any]
AMOUNT_RANGE = f"应为 1 至 {MAX_AMOUNT_YUAN:,} 元之间的整数（元）"


def _path(*parts: str | int) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _rows(items: object) -> Rows:
    if not isinstance(items, list):
        return []
    return [(i, row) for i, row in enumerate(items) if isinstance(row, dict)]


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _amount_error(value: object) -> str:
    """ "" when ``value`` is a whole amount of money in range, else the message."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_AMOUNT_YUAN:
        return f"金额{AMOUNT_RANGE}，实为“{value}”"
    return ""


def _repeated(prefix: Path, rows: Rows, field: str, what: str) -> Errors:
    seen: dict[Any, int] = {}
    errors = []
    for i, row in rows:
        value = row.get(field)
        if value is None:
            continue
        if value in seen:
            errors.append(
                (_path(*prefix, i, field), f"{what}“{value}”重复（{_path(*prefix, seen[value])} 已有）")
            )
        else:
            seen[value] = i
    return errors


# --- funding sources ---------------------------------------------------------------------------


def validate_funding_sources(sources: object) -> Errors:
    """funding_sources.yaml ``funding_sources``: codes unique, each with a name (or payer) and steps."""
    rows = _rows(sources)
    errors = _repeated(("funding_sources",), rows, "source", "资金来源代码")
    for i, row in rows:
        if not (row.get("name") or row.get("payer")):
            errors.append((_path("funding_sources", i, "name"), "资金来源缺少名称（name 或 payer）"))
        if isinstance(row.get("steps"), list) and not row["steps"]:
            errors.append((_path("funding_sources", i, "steps"), "审批路径至少应有一个步骤"))
    return errors


def apply_funding_sources(
    sources: list[dict[str, Any]], *, upsert: Upsert, report: object
) -> dict[str, FundingSource]:
    """Upsert every source (code, name, order) and its approval path; the sources by code."""
    out: dict[str, FundingSource] = {}
    for order, row in enumerate(sources, start=1):
        source = upsert(
            FundingSource,
            {"code": row["source"]},
            {"name": row.get("name") or row["payer"], "order": row.get("order", order)},
            report,
        )
        out[source.code] = source
        path = upsert(
            FundingPath,
            {"source": source},
            {
                "payer": row["payer"],
                "fund": row.get("fund") or "",
                "clause": row.get("clause", ""),
                "provisional": bool(row.get("provisional", False)),
            },
            report,
        )
        for step_order, step in enumerate(row["steps"], start=1):
            upsert(
                FundingStep,
                {"path": path, "order": step_order},
                {
                    "name": step["name"],
                    "actor": step["actor"],
                    "produces": step.get("produces") or "",
                    "receives": step.get("receives") or "",
                    "records": step.get("records") or "",
                },
                report,
            )
    return out


# --- reward groups and lines -------------------------------------------------------------------


def validate_reward_groups(groups: object) -> Errors:
    """reward_items.yaml ``reward_groups``: codes unique, a cap (when given) a positive amount."""
    rows = _rows(groups)
    errors = _repeated(("reward_groups",), rows, "code", "奖励分组代码")
    for i, row in rows:
        cap = row.get("yearly_cap_yuan")
        if cap is not None and _amount_error(cap):
            errors.append(
                (_path("reward_groups", i, "yearly_cap_yuan"), f"年度上限{AMOUNT_RANGE}，实为“{cap}”")
            )
        if not row.get("highest_only") and cap is None:
            errors.append(
                (_path("reward_groups", i), "奖励分组应至少规定一项规则（highest_only 或 yearly_cap_yuan）")
            )
    return errors


def validate_reward_lines(
    items: object,
    *,
    funding_codes: set[str] | None,
    group_codes: Set[str] = frozenset(),
    default_from: object = None,
) -> Errors:
    """reward_items.yaml ``reward_items``: every rule a schema cannot say.

    ``funding_codes``: the sources of funding_sources.yaml (None: that file could not be read, the
    references are not checked). ``group_codes``: the codes of ``reward_groups``. ``default_from``:
    the file's ``effective_from``.
    """
    rows = _rows(items)
    errors = _repeated(("reward_items",), rows, "code", "奖项代码")
    windows: dict[str, list[tuple[int, dt.date, dt.date | None]]] = {}
    family_rules: dict[str, tuple[int, str]] = {}
    for i, row in rows:
        at = ("reward_items", i)
        source = row.get("funding_source")
        if funding_codes is not None and isinstance(source, str) and source not in funding_codes:
            errors.append(
                (
                    _path(*at, "funding_source"),
                    f"未知资金来源“{source}”（应为 funding_sources.yaml 中的 source）",
                )
            )
        tiers = row.get("tiers")
        if "amount_yuan" in row:
            message = _amount_error(row["amount_yuan"])
            if message:
                errors.append((_path(*at, "amount_yuan"), message))
        elif tiers is None:
            errors.append((_path(*at, "amount_yuan"), "缺少奖励金额（分等级奖励的奖项改为填写 tiers）"))
        if tiers is not None:
            errors += _tier_errors(at, tiers)
            if row.get("amounts"):
                errors.append(
                    (
                        _path(*at, "amounts"),
                        "分等级奖励的奖项不能再按日期调整金额（amounts），请调整各等级金额",
                    )
                )
        group = row.get("group")
        if isinstance(group, str) and group not in group_codes:
            errors.append((_path(*at, "group"), f"未知奖励分组“{group}”（应为 reward_groups 中的 code）"))
        start = _date(row.get("effective_from", default_from))
        end = _date(row.get("valid_to"))
        if start and end and end < start:
            errors.append(
                (_path(*at, "valid_to"), f"适用截止日 {end.isoformat()} 早于适用起始日 {start.isoformat()}")
            )
        elif start and isinstance(row.get("name"), str):
            windows.setdefault(row["name"], []).append((i, start, end))
        errors += _amount_change_errors(at, row.get("amounts"), start, end)
        family = row.get("family") or row.get("code")
        rule = row.get("nomination_rule", NominationRule.FLAG.value)
        if isinstance(family, str) and isinstance(rule, str):
            first = family_rules.setdefault(family, (i, rule))
            if first[1] != rule:
                errors.append(
                    (
                        _path(*at, "nomination_rule"),
                        f"同一奖项系列“{family}”应采用同一提名奖规则：reward_items[{first[0]}] 为“{first[1]}”，此处为“{rule}”",
                    )
                )
    errors += _overlaps(windows)
    return errors


def _tier_errors(at: Path, tiers: object) -> Errors:
    if not isinstance(tiers, list) or not tiers:
        return [(_path(*at, "tiers"), "分等级奖励至少应有一个等级")]
    rows = _rows(tiers)
    errors = _repeated((*at, "tiers"), rows, "code", "等级代码")
    for j, tier in rows:
        if "amount_yuan" not in tier:
            errors.append((_path(*at, "tiers", j, "amount_yuan"), "等级缺少金额（amount_yuan）"))
        else:
            message = _amount_error(tier["amount_yuan"])
            if message:
                errors.append((_path(*at, "tiers", j, "amount_yuan"), message))
        for name in ("code", "name"):
            if not tier.get(name):
                errors.append(
                    (
                        _path(*at, "tiers", j, name),
                        f"等级缺少{'代码' if name == 'code' else '名称'}（{name}）",
                    )
                )
    return errors


def _amount_change_errors(at: Path, amounts: object, start: dt.date | None, end: dt.date | None) -> Errors:
    errors = []
    seen: set[dt.date] = set()
    for k, change in _rows(amounts):
        day = _date(change.get("valid_from"))
        where = _path(*at, "amounts", k, "valid_from")
        if day is None:
            errors.append((where, "金额调整缺少适用起始日（valid_from）"))
        elif day in seen:
            errors.append((where, f"金额调整日期 {day.isoformat()} 重复"))
        elif (start and day < start) or (end and day > end):
            errors.append((where, f"金额调整日期 {day.isoformat()} 不在该奖项的适用期限内"))
        if day:
            seen.add(day)
        message = _amount_error(change.get("amount_yuan"))
        if message:
            errors.append((_path(*at, "amounts", k, "amount_yuan"), message))
    return errors


def _overlaps(windows: dict[str, list[tuple[int, dt.date, dt.date | None]]]) -> Errors:
    """The same award listed twice (one name) must have windows that do not overlap."""
    errors = []
    for name, spans in windows.items():
        spans = sorted(spans, key=lambda s: s[1])
        for (i, _, end), (j, start, _) in zip(spans, spans[1:], strict=False):
            if end is None or start <= end:
                errors.append(
                    (
                        _path("reward_items", j, "effective_from"),
                        f"奖项“{name}”的适用期限与 reward_items[{i}] 重叠（同一奖项各期限不得重叠）",
                    )
                )
    return errors


def apply_reward_lines(
    data: dict[str, Any],
    *,
    upsert: Upsert,
    report: object,
    sources: dict[str, FundingSource] | None = None,
) -> list[RewardItem]:
    """Upsert reward groups, lines, their tiers and their amount changes from reward_items.yaml."""
    groups = {}
    for row in data.get("reward_groups") or []:
        groups[row["code"]] = upsert(
            RewardGroup,
            {"code": row["code"]},
            {
                "name": row["name"],
                "highest_only": bool(row.get("highest_only", False)),
                "yearly_cap_yuan": row.get("yearly_cap_yuan"),
                "clause": row.get("clause", ""),
            },
            report,
        )
    sources = sources or {s.code: s for s in FundingSource.objects.all()}
    effective = data["effective_from"]
    out = []
    for row in data["reward_items"]:
        tiers = row.get("tiers") or []
        amount = row.get("amount_yuan") or max(t["amount_yuan"] for t in tiers)
        item = upsert(
            RewardItem,
            {"code": row["code"]},
            {
                "name": row["name"],
                "amount_yuan": int(amount),
                "funding_source": sources[row["funding_source"]],
                "provisional": bool(row.get("provisional", False)),
                "family": row.get("family") or row["code"],
                "is_nomination": bool(row.get("is_nomination", False)),
                "nomination_rule": row.get("nomination_rule", NominationRule.FLAG.value),
                "group": groups.get(row.get("group")) if row.get("group") else None,
                "effective_from": row.get("effective_from", effective),
                "valid_to": row.get("valid_to"),
                "clause": row.get("clause", "三(二)"),
                "basis": row.get("basis", ""),
                "funding_note": row.get("funding_note", ""),
                "order": row.get("order", 0),
            },
            report,
        )
        for order, tier in enumerate(tiers, start=1):
            upsert(
                RewardTier,
                {"reward_item": item, "code": tier["code"]},
                {"name": tier["name"], "amount_yuan": int(tier["amount_yuan"]), "order": order},
                report,
            )
        for change in row.get("amounts") or []:
            upsert(
                RewardAmount,
                {"reward_item": item, "valid_from": change["valid_from"]},
                {"amount_yuan": int(change["amount_yuan"])},
                report,
            )
        out.append(item)
    return out
