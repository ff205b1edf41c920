"""How money and dates are written for people: 万元 and 2025年3月1日."""

from core.dates import cn_date  # noqa: F401  (the platform's one date style, re-exported)


def wan(amount_yuan: int | None) -> str:
    """200000 → "20 万元"; exact (money is never rounded for display)."""
    if amount_yuan is None:
        return "—"
    whole, rest = divmod(int(amount_yuan), 10000)
    if not rest:
        return f"{whole} 万元"
    return f"{amount_yuan / 10000:.4f}".rstrip("0").rstrip(".") + " 万元"
