"""How money and dates are written for people: 万元 and 2025年3月1日."""

from django.utils.safestring import SafeString, mark_safe

from core.dates import cn_date  # noqa: F401  (the platform's one date style, re-exported)
from core.markup import esc

from .validators import is_invisible


def wan(amount_yuan: int | None) -> str:
    """200000 → "20 万元"; exact (money is never rounded for display)."""
    if amount_yuan is None:
        return "—"
    whole, rest = divmod(int(amount_yuan), 10000)
    if not rest:
        return f"{whole} 万元"
    return f"{amount_yuan / 10000:.4f}".rstrip("0").rstrip(".") + " 万元"


def as_typed(reference: str | None) -> SafeString | str:
    """The reference as typed, every invisible character marked ⟨U+200B⟩ (HTML, escaped)."""
    if not reference:
        return "—"
    if not any(is_invisible(char) for char in reference):  # the usual case: escaped once
        return mark_safe(esc(reference))  # noqa: S308 (escaped)
    parts = [
        f'<mark class="invisible-char" title="不可见字符">⟨U+{ord(char):04X}⟩</mark>'
        if is_invisible(char)
        else esc(char)
        for char in reference
    ]
    return mark_safe("".join(parts))  # noqa: S308 (each visible character is escaped above)
