"""Ranking with ties: equal keys share a rank, the next rank skips (1, 1, 3 — "competition" ranking)."""

from collections.abc import Callable, Iterable


def rank_with_ties(rows: Iterable, key: Callable) -> list[tuple[int, object]]:
    """``[(rank, row), …]`` in order of ``key`` (smaller is better); rows with an equal key tie."""
    ordered = sorted(rows, key=key)
    out = []
    previous = object()
    rank = 0
    for position, row in enumerate(ordered, start=1):
        k = key(row)
        if k != previous:
            rank, previous = position, k
        out.append((rank, row))
    return out
