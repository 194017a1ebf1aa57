"""Hold back events behind a hole in `seq`.

A bigserial is taken at INSERT but becomes visible at COMMIT, so seq 9 can show up after
seq 10. A consumer that read 10 and moved its checkpoint would never see 9. Events after a hole
wait until the hole is filled or has been open for `grace` seconds (then it is a rolled-back
insert, a permanent gap).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

Row = TypeVar("Row", bound=Mapping[str, Any])


class GapGuard:
    def __init__(self, grace: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._grace = grace
        self._clock = clock
        self._first_seen: dict[int, float] = {}

    def admit(self, last_seq: int, rows: Sequence[Row]) -> list[Row]:
        """The prefix of `rows` (ordered by seq, all > last_seq) that is safe to apply now."""
        self._first_seen = {s: t for s, t in self._first_seen.items() if s > last_seq}
        expected = last_seq + 1
        for index, row in enumerate(rows):
            seq = int(row["seq"])
            if seq != expected and not self._expired(expected):
                return list(rows[:index])
            expected = seq + 1
        return list(rows)

    @property
    def holding(self) -> bool:
        return bool(self._first_seen)

    def _expired(self, seq: int) -> bool:
        now = self._clock()
        first = self._first_seen.setdefault(seq, now)
        return now - first >= self._grace
