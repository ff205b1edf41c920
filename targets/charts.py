"""ECharts options (rendered through json_script + data-chart-src, no inline script)."""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from .models import Target
from .progress import TargetSpec, start_value


def history_chart(
    target: Target, statistics: Sequence[tuple[dt.date, Decimal]], *, lineage: Sequence[Target] = ()
) -> dict[str, Any]:
    """The target's accepted values over time, its goal, and the straight line from baseline to goal.

    With ``lineage`` (the target and its predecessors, oldest first) the values of earlier plans are
    part of the one 实际值 series, and the start of each later plan is marked on the time axis."""
    spec = TargetSpec.of(target)
    start = start_value(spec)
    actual = [[as_of.isoformat(), float(value)] for as_of, value in statistics]
    line = {
        "name": "实际值",
        "type": "line",
        "data": actual,
        "symbolSize": 9,
        "lineStyle": {"width": 2.5, "color": "#a61b1b"},
        "itemStyle": {"color": "#a61b1b"},
    }
    boundaries = [t.plan.start_date for t in list(lineage)[1:]]
    if boundaries:
        line["markLine"] = {
            "symbol": "none",
            "label": {"formatter": "新规划"},
            "lineStyle": {"type": "solid", "color": "#1d4ed8"},
            "data": [{"xAxis": day.isoformat()} for day in boundaries],
        }
    series = [
        line,
        {
            "name": "目标值",
            "type": "line",
            "data": [
                [(target.baseline_date or target.plan.start_date).isoformat(), float(target.target_value)],
                [target.deadline.isoformat(), float(target.target_value)],
            ],
            "symbol": "none",
            "lineStyle": {"type": "dashed", "color": "#15803d"},
            "itemStyle": {"color": "#15803d"},
        },
    ]
    if start is not None and target.baseline_date:
        series.append(
            {
                "name": "进度参照线",
                "type": "line",
                "data": [
                    [target.baseline_date.isoformat(), float(start)],
                    [target.deadline.isoformat(), float(target.target_value)],
                ],
                "symbol": "none",
                "lineStyle": {"type": "dotted", "color": "#6b7280"},
                "itemStyle": {"color": "#6b7280"},
            }
        )
    begin = min([target.baseline_date or target.plan.start_date] + [as_of for as_of, _ in statistics])
    end = max([target.deadline] + [as_of for as_of, _ in statistics])
    y_axis: dict[str, Any] = {"type": "value", "name": target.measure_unit}
    if target.is_rate:
        y_axis |= {"scale": True, "max": 100}  # rates sit near their level: do not flatten them at 0
    else:
        y_axis["min"] = 0
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 50, "right": 24, "top": 36, "bottom": 30},
        "xAxis": {
            "type": "time",
            "min": begin.isoformat(),
            "max": (end + dt.timedelta(days=90)).isoformat(),
        },
        "yAxis": y_axis,
        "series": series,
    }
