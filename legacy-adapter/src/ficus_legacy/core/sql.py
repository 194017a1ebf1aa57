"""Small SQL helpers shared by the adapter's readers and writers."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

CHUNK = 1000


class Now:
    """Marks a column to be set to the database's CURRENT_TIMESTAMP."""


NOW = Now()


def placeholders(values: Sequence[object]) -> str:
    """`%s,%s,…`, one per value."""
    return ",".join(["%s"] * len(values))


def in_chunks(ids: Sequence[int], size: int = CHUNK) -> Iterator[Sequence[int]]:
    """Consecutive slices of at most `size` ids (keeps IN lists bounded)."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
