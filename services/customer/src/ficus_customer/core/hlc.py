"""A hybrid logical clock: `physical ms << 16 | counter` in one integer, as
`ficus_contracts.reverse` defines it. It never goes backwards (a wall clock that steps back
only moves the counter) and it merges the times of the events it has seen, so a write made after
seeing a Magento change is newer than that change whatever the servers' clocks say."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from ficus_contracts.reverse import HLC_COUNTER_BITS


def from_ms(ms: int) -> int:
    """The clock value of wall-clock `ms` with a zero counter."""
    return ms << HLC_COUNTER_BITS


def tick(last: int, wall_ms: int) -> int:
    """The next value after `last` at wall-clock `wall_ms`."""
    return max(last + 1, from_ms(wall_ms))


def observe(last: int, remote_ms: int, wall_ms: int) -> int:
    """The value after receiving an event stamped `remote_ms`: past both it and `last`."""
    return max(last + 1, from_ms(wall_ms), from_ms(remote_ms) + 1)


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


class HybridClock:
    """One process's clock (thread-safe); restored at start from the largest value written.

    Several processes share no memory, so each stamp of a customer is also taken past the
    value stored with that customer (`after`: its row, or its tombstone once deleted), read
    under the customer's row lock: a customer's stamps increase across processes and restarts
    whatever each process's wall clock says (docs/reverse-sync.md, "Clock")."""

    def __init__(self, last: int = 0, wall: Callable[[], int] = wall_ms) -> None:
        self._last = last
        self._wall = wall
        self._lock = threading.Lock()

    @property
    def last(self) -> int:
        return self._last

    def now(self, after: int = 0) -> int:
        """A new value, greater than every value given so far and than `after`."""
        with self._lock:
            self._last = tick(max(self._last, after), self._wall())
            return self._last

    def observe(self, remote_ms: int | None, after: int = 0) -> int:
        """Merge a received event's time (None: nothing to merge, the clock just ticks); the
        value is also greater than `after` (the customer's last stored value)."""
        with self._lock:
            last = max(self._last, after)
            if remote_ms is None:
                self._last = tick(last, self._wall())
            else:
                self._last = observe(last, remote_ms, self._wall())
            return self._last
