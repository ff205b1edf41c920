"""Progress and RAG status of a target: pure functions, no database.

What the reported value means, per kind (the form and the Excel template say the same to the user):

- ``at_least`` / ``total`` / ``at_most``: the current count or stock at the statistic date.
- ``rate_at_least`` / ``exactly_100`` / ``rate_at_most``: the current percentage (0–100).
- ``zero_breakthrough``: the number achieved so far; one is the breakthrough.
- ``new_since_baseline`` (新增): the number of NEW items since the baseline date — not the stock.
  ``baseline_value`` of such a target is the stock at the start (驰名商标 3 → 5 "新增 2 件"); it is shown
  for context and does not enter the computation.
- ``cumulative`` (累计): the running total over the plan period; it can never go down, so a value below
  the last accepted one is refused by the form.

Direction: ``at_most`` and ``rate_at_most`` are lower-is-better; every other kind is higher-is-better.
The 2022–2025 plan has no lower-is-better target; the code handles both so that a later plan can.

Expected value ("where should we be by now"): a straight line from (baseline date, baseline value) to
(deadline, target value), evaluated at the statistic's date and capped at the deadline. The baseline
value is ``baseline_value`` or 0, except:

- new-since-baseline and cumulative targets count from 0 (their value is an increment);
- rate targets (and lower-is-better targets) without a baseline: a rate is a level to keep ("保持在
  98% 以上"), not an amount to accumulate, so without a known starting value the expected value is the
  target itself throughout.

RAG:
- gray: no accepted value yet;
- green: target met (exactly_100: only at 100; zero_breakthrough: a value of at least 1), or on or
  ahead of the straight line;
- amber: behind the line by at most the amber band (the office's ``SiteSetting.amber_band_pct``,
  ``AMBER_TOLERANCE`` = 10 % by default) of the way from baseline to target
  (exactly_100 below 100, zero_breakthrough still at 0: amber while time remains);
- red: further behind, or the deadline has passed without meeting the target — then it is labelled
  未完成 (missed), never 滞后: there is no time left to catch up.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

HIGHER = "higher"
LOWER = "lower"

GREEN, AMBER, RED, GRAY = "green", "amber", "red", "gray"
RAG_LABELS = {GREEN: "正常", AMBER: "滞后", RED: "严重滞后", GRAY: "暂无数据"}
MISSED_LABEL = "未完成"
AMBER_TOLERANCE = Decimal("0.10")

RATE_KINDS = frozenset({"rate_at_least", "exactly_100", "rate_at_most"})
LOWER_KINDS = frozenset({"at_most", "rate_at_most"})
INCREMENT_KINDS = frozenset({"new_since_baseline", "cumulative"})
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class TargetSpec:
    kind: str
    target_value: Decimal
    deadline: dt.date
    baseline_value: Decimal | None = None
    baseline_date: dt.date | None = None

    @classmethod
    def of(cls, target: Any) -> "TargetSpec":
        return cls(
            kind=target.kind,
            target_value=Decimal(target.target_value),
            deadline=target.deadline,
            baseline_value=None if target.baseline_value is None else Decimal(target.baseline_value),
            baseline_date=target.baseline_date,
        )


@dataclass(frozen=True)
class Progress:
    actual: Decimal | None
    as_of: dt.date | None
    expected: Decimal | None  # where the straight line is at ``as_of`` (or today without a value)
    progress_pct: Decimal | None  # share of the way from start to target, 0 or more, may exceed 100
    rag: str
    achieved: bool
    missed: bool = False  # the deadline has passed and the target was not met

    @property
    def rag_label(self) -> str:
        return MISSED_LABEL if self.missed else RAG_LABELS[self.rag]

    @property
    def bar_pct(self) -> int:
        """Width of a progress bar: 0–100."""
        if self.progress_pct is None:
            return 0
        return int(max(Decimal(0), min(HUNDRED, self.progress_pct)))


def direction(kind: str) -> str:
    return LOWER if kind in LOWER_KINDS else HIGHER


def start_value(spec: TargetSpec) -> Decimal | None:
    """The value the straight line starts from; None means "no line" (rates without a baseline)."""
    if spec.kind in INCREMENT_KINDS or spec.kind == "zero_breakthrough":
        return Decimal(0)
    if spec.baseline_value is not None:
        return spec.baseline_value
    if spec.kind in RATE_KINDS or spec.kind in LOWER_KINDS:
        return None  # a level to keep (or to stay under): no known starting point, no line
    return Decimal(0)


def expected_at(spec: TargetSpec, when: dt.date) -> Decimal:
    """Straight line from baseline to target at the deadline, evaluated at ``when`` (clamped)."""
    start = start_value(spec)
    if start is None:
        return spec.target_value
    begin = spec.baseline_date or spec.deadline
    if when >= spec.deadline or begin >= spec.deadline:
        return spec.target_value
    if when <= begin:
        return start
    share = Decimal((when - begin).days) / Decimal((spec.deadline - begin).days)
    return _q(start + (spec.target_value - start) * share)


def is_achieved(spec: TargetSpec, actual: Decimal) -> bool:
    if spec.kind == "exactly_100":
        return actual == HUNDRED
    if spec.kind == "zero_breakthrough":
        return actual >= 1
    if direction(spec.kind) == LOWER:
        return actual <= spec.target_value
    return actual >= spec.target_value


def progress_pct(spec: TargetSpec, actual: Decimal) -> Decimal:
    """How far along the way from start to target, in percent (never negative)."""
    if spec.kind == "zero_breakthrough":
        return HUNDRED if actual >= 1 else Decimal(0)
    start = start_value(spec)
    if start is None:  # a rate with no baseline: the share of the target level reached
        if direction(spec.kind) == LOWER:
            pct = HUNDRED if actual <= spec.target_value else HUNDRED * spec.target_value / actual
        else:
            pct = HUNDRED * actual / spec.target_value if spec.target_value else HUNDRED
        return _q(max(Decimal(0), pct))
    span = spec.target_value - start
    if span == 0:
        return HUNDRED if is_achieved(spec, actual) else Decimal(0)
    return _q(max(Decimal(0), HUNDRED * (actual - start) / span))


def evaluate(
    spec: TargetSpec,
    actual: Decimal | None,
    as_of: dt.date | None,
    today: dt.date,
    *,
    amber_band: Decimal = AMBER_TOLERANCE,
) -> Progress:
    """Progress and RAG of one target given its latest accepted value (or None); ``amber_band`` is
    the share of the way from baseline to target a value may lag the line and still be amber."""
    if actual is None:
        return Progress(None, None, expected_at(spec, today), None, GRAY, False)
    actual = Decimal(actual)
    as_of = as_of or today
    expected = expected_at(spec, as_of)
    achieved = is_achieved(spec, actual)
    pct = progress_pct(spec, actual)
    past_deadline = today > spec.deadline
    if achieved:
        rag = GREEN
    elif past_deadline:
        rag = RED
    elif spec.kind == "exactly_100":
        # green only at 100; on the line (or within tolerance of 100) is amber, otherwise red
        rag = AMBER if actual >= expected or actual >= HUNDRED * (1 - amber_band) else RED
    elif spec.kind == "zero_breakthrough":
        rag = AMBER
    else:
        rag = _rag_against_line(spec, actual, expected, amber_band)
    return Progress(actual, as_of, expected, pct, rag, achieved, past_deadline and not achieved)


def _rag_against_line(spec: TargetSpec, actual: Decimal, expected: Decimal, amber_band: Decimal) -> str:
    lower = direction(spec.kind) == LOWER
    ahead = actual <= expected if lower else actual >= expected
    if ahead:
        return GREEN
    start = start_value(spec)
    span = abs(spec.target_value - (start if start is not None else Decimal(0))) or spec.target_value or 1
    gap = (actual - expected) if lower else (expected - actual)
    return AMBER if gap / span <= amber_band else RED


def _q(value: Decimal) -> Decimal:
    return Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
