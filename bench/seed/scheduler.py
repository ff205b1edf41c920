"""The half-yearly reports already built."""

from __future__ import annotations

from .base import Context, bulk, make


def seed_scheduler(ctx: Context) -> None:
    from scheduler.models import HalfYearReport

    bulk(
        HalfYearReport,
        [
            make(
                HalfYearReport,
                key=f"{year}H{half}",
                year=year,
                half=half,
                title=f"{year}年{'上' if half == 1 else '下'}半年质量强市工作进展报告",
                figures={"bench": True},
                built_by=ctx.office_users[0],
            )
            for year, half in ctx.halves[:-1]
        ],
        ctx,
    )
