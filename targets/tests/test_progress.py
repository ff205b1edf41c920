"""The pure progress/RAG rules of targets/progress.py, kind by kind."""

import datetime as dt
from decimal import Decimal as D

import pytest

from targets.progress import (
    AMBER,
    GRAY,
    GREEN,
    RED,
    TargetSpec,
    direction,
    evaluate,
    expected_at,
    progress_pct,
)

START = dt.date(2021, 12, 31)
DEADLINE = dt.date(2025, 12, 31)
HALFWAY = START + (DEADLINE - START) / 2
BEFORE = dt.date(2024, 1, 1)
AFTER = dt.date(2026, 11, 1)


def spec(kind, target, baseline=None, baseline_date=START):
    return TargetSpec(
        kind=kind,
        target_value=D(target),
        deadline=DEADLINE,
        baseline_value=baseline,
        baseline_date=baseline_date,
    )


# --- expected value: the straight line from baseline to target ------------------------------------


def test_expected_value_follows_the_straight_line_from_zero_when_there_is_no_baseline():
    s = spec("at_least", 100)
    assert expected_at(s, START) == 0
    assert expected_at(s, HALFWAY) == D("50.0")
    assert expected_at(s, DEADLINE) == 100


def test_expected_value_starts_from_the_baseline_value():
    s = spec("total", 5, baseline=D(3))
    assert expected_at(s, START) == 3
    assert expected_at(s, HALFWAY) == D("4.0")


def test_expected_value_is_the_target_after_the_deadline_and_the_start_before_the_baseline_date():
    s = spec("at_least", 100)
    assert expected_at(s, AFTER) == 100
    assert expected_at(s, dt.date(2020, 1, 1)) == 0


def test_a_rate_without_baseline_is_expected_at_its_level_throughout():
    s = spec("rate_at_least", 98)
    assert expected_at(s, START + dt.timedelta(days=1)) == 98
    assert expected_at(s, HALFWAY) == 98


def test_a_rate_with_a_baseline_follows_the_line():
    s = spec("rate_at_least", 98, baseline=D(90))
    assert expected_at(s, HALFWAY) == D("94.0")


def test_new_since_baseline_counts_from_zero_whatever_the_stock_at_the_start():
    s = spec("new_since_baseline", 2, baseline=D(3))  # 驰名商标: stock 3, 2 new
    assert expected_at(s, START) == 0
    assert expected_at(s, HALFWAY) == D("1.0")


# --- at least (count) --------------------------------------------------------------------------


def test_count_on_or_above_the_line_is_green():
    p = evaluate(spec("at_least", 100), D(50), HALFWAY, HALFWAY)
    assert (p.rag, p.progress_pct, p.achieved) == (GREEN, D("50.0"), False)


def test_count_a_little_behind_the_line_is_amber_and_far_behind_is_red():
    assert evaluate(spec("at_least", 100), D(45), HALFWAY, HALFWAY).rag == AMBER
    assert evaluate(spec("at_least", 100), D(20), HALFWAY, HALFWAY).rag == RED


def test_count_meeting_the_target_is_green_and_achieved_even_after_the_deadline():
    p = evaluate(spec("at_least", 100), D(120), DEADLINE, AFTER)
    assert (p.rag, p.achieved, p.progress_pct, p.bar_pct) == (GREEN, True, D("120.0"), 100)


def test_count_short_of_the_target_after_the_deadline_is_red_even_if_close():
    assert evaluate(spec("at_least", 100), D(99), DEADLINE, AFTER).rag == RED


def test_the_line_is_read_at_the_statistic_date_not_today():
    # 50 at mid-plan was on the line then: still green before the deadline although today is later
    p = evaluate(spec("at_least", 100), D(50), HALFWAY, dt.date(2025, 6, 1))
    assert p.rag == GREEN and p.expected == D("50.0")


def test_no_accepted_value_is_gray_with_no_progress():
    p = evaluate(spec("at_least", 100), None, None, HALFWAY)
    assert (p.rag, p.progress_pct, p.bar_pct, p.actual) == (GRAY, None, 0, None)


# --- rates ---------------------------------------------------------------------------------------


def test_rate_at_or_above_its_level_is_green_and_achieved():
    p = evaluate(spec("rate_at_least", 98), D("98.5"), BEFORE, BEFORE)
    assert (p.rag, p.achieved) == (GREEN, True)


def test_rate_slightly_below_level_is_amber_and_well_below_is_red():
    assert evaluate(spec("rate_at_least", 98), D("96"), BEFORE, BEFORE).rag == AMBER
    assert evaluate(spec("rate_at_least", 98), D("80"), BEFORE, BEFORE).rag == RED


def test_rate_progress_is_the_share_of_the_level_without_baseline():
    assert progress_pct(spec("rate_at_least", 80), D(60)) == D("75.0")


def test_rate_progress_is_the_share_of_the_way_from_its_baseline():
    assert progress_pct(spec("rate_at_least", 98, baseline=D(90)), D(94)) == D("50.0")


# --- exactly 100% --------------------------------------------------------------------------------


def test_exactly_100_is_green_only_at_100():
    assert evaluate(spec("exactly_100", 100), D(100), BEFORE, BEFORE).rag == GREEN
    p = evaluate(spec("exactly_100", 100), D("99.9"), BEFORE, BEFORE)
    assert (p.rag, p.achieved) == (AMBER, False)


def test_exactly_100_well_below_is_red_and_below_100_after_deadline_is_red():
    assert evaluate(spec("exactly_100", 100), D(70), BEFORE, BEFORE).rag == RED
    assert evaluate(spec("exactly_100", 100), D("99.5"), DEADLINE, AFTER).rag == RED


# --- zero breakthrough ------------------------------------------------------------------------------


def test_zero_breakthrough_is_achieved_at_one_or_more():
    for value in (D(1), D(3)):
        p = evaluate(spec("zero_breakthrough", 1, baseline=D(0)), value, BEFORE, BEFORE)
        assert (p.rag, p.achieved, p.progress_pct) == (GREEN, True, D(100))


def test_zero_breakthrough_still_at_zero_is_amber_before_and_red_after_the_deadline():
    s = spec("zero_breakthrough", 1, baseline=D(0))
    assert evaluate(s, D(0), BEFORE, BEFORE).rag == AMBER
    assert evaluate(s, D(0), DEADLINE, AFTER).rag == RED
    assert evaluate(s, D(0), BEFORE, BEFORE).progress_pct == 0


# --- new since baseline (新增) versus total (总量) --------------------------------------------------


def test_new_since_baseline_measures_the_new_items_against_the_target():
    s = spec("new_since_baseline", 2, baseline=D(3))
    p = evaluate(s, D(2), DEADLINE, AFTER)
    assert (p.achieved, p.rag, p.progress_pct) == (True, GREEN, D(100))
    assert progress_pct(s, D(1)) == D("50.0")


def test_total_measures_the_stock_from_its_baseline():
    s = spec("total", 5, baseline=D(3))
    assert progress_pct(s, D(4)) == D("50.0")  # one of the two needed
    assert evaluate(s, D(5), DEADLINE, AFTER).achieved
    assert not evaluate(s, D(4), DEADLINE, AFTER).achieved


def test_the_same_number_means_different_progress_for_new_and_total():
    assert progress_pct(spec("total", 5, baseline=D(3)), D(2)) == 0  # stock fell below the baseline
    assert progress_pct(spec("new_since_baseline", 2, baseline=D(3)), D(2)) == 100


# --- cumulative (累计) --------------------------------------------------------------------------------


def test_cumulative_counts_from_zero_and_follows_the_line():
    s = spec("cumulative", 50)
    assert progress_pct(s, D(25)) == D("50.0")
    assert evaluate(s, D(25), HALFWAY, HALFWAY).rag == GREEN
    assert evaluate(s, D(10), HALFWAY, HALFWAY).rag == RED


# --- direction: lower is better ------------------------------------------------------------------


def test_direction_is_lower_only_for_at_most_kinds():
    assert direction("at_most") == direction("rate_at_most") == "lower"
    assert {direction(k) for k in ("at_least", "rate_at_least", "total", "cumulative")} == {"higher"}


def test_lower_is_better_target_goes_down_from_its_baseline():
    s = spec("at_most", 10, baseline=D(30))
    assert expected_at(s, HALFWAY) == D("20.0")
    assert evaluate(s, D(18), HALFWAY, HALFWAY).rag == GREEN  # below the line is ahead
    assert evaluate(s, D(21), HALFWAY, HALFWAY).rag == AMBER
    assert evaluate(s, D(28), HALFWAY, HALFWAY).rag == RED
    assert progress_pct(s, D(20)) == D("50.0")
    p = evaluate(s, D(9), DEADLINE, AFTER)
    assert p.achieved and p.rag == GREEN


def test_lower_is_better_rate_without_baseline_is_a_ceiling_to_stay_under():
    s = spec("rate_at_most", 2)
    assert evaluate(s, D("1.5"), BEFORE, BEFORE).rag == GREEN
    assert evaluate(s, D("2.1"), BEFORE, BEFORE).rag == AMBER
    assert evaluate(s, D(5), BEFORE, BEFORE).rag == RED
    assert progress_pct(s, D(4)) == D("50.0")


@pytest.mark.parametrize(
    "kind",
    [
        "at_least",
        "rate_at_least",
        "exactly_100",
        "zero_breakthrough",
        "new_since_baseline",
        "total",
        "cumulative",
    ],
)
def test_every_kind_of_the_plan_gives_a_bounded_bar(kind):
    target = 1 if kind == "zero_breakthrough" else 100
    p = evaluate(
        spec(kind, target),
        D(1000) if "rate" not in kind and kind != "exactly_100" else D(100),
        BEFORE,
        BEFORE,
    )
    assert 0 <= p.bar_pct <= 100 and p.rag == GREEN
