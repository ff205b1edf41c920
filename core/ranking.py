"""Ranking with ties: equal keys share a rank, the next rank skips (1, 1, 3 — "competition" ranking)."""

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

_Row = TypeVar("_Row")


def rank_with_ties(rows: Iterable[_Row], key: Callable[[_Row], Any]) -> list[tuple[int, _Row]]:
    """``[(rank, row), …]`` in order of ``key`` (smaller is better); rows with an equal key tie."""
    ordered = sorted(rows, key=key)
    out: list[tuple[int, _Row]] = []
    previous: object = object()
    rank = 0
    for position, row in enumerate(ordered, start=1):
        k = key(row)
        if k != previous:
            rank, previous = position, k
        out.append((rank, row))
    return out
