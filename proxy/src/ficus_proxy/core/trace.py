"""A bounded ring of recent routing outcomes (which backend answered which request), read on the
admin listener at `/_ficus/trace`: shoppers never see which backend answered. Pure: no I/O."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Any, NamedTuple


class TraceEntry(NamedTuple):
    at: float
    request_id: str
    method: str
    path: str  # without the query string
    domain: str | None
    backend: str
    status: int

    def as_json(self) -> dict[str, Any]:
        return self._asdict()


class Trace:
    """The last `size` answers of this worker, oldest first."""

    def __init__(self, size: int = 2048, clock: Callable[[], float] = time.time) -> None:
        # plain tuples on the hot path; TraceEntry is built when the trace is read
        self._ring: deque[tuple[float, str, str, str, str | None, str, int]] = deque(
            maxlen=max(size, 1)
        )
        self._clock = clock

    def add(
        self, rid: str, method: str, path: str, domain: str | None, backend: str, status: int
    ) -> None:
        self._ring.append((self._clock(), rid, method, path, domain, backend, status))

    def find(self, request_id: str | None = None, limit: int = 100) -> list[TraceEntry]:
        """The newest `limit` entries, or those of one request id."""
        if limit <= 0:
            return []
        rows = list(self._ring) if request_id is None else [
            row for row in self._ring if row[1] == request_id
        ]  # fmt: skip
        return [TraceEntry(*row) for row in rows[-limit:]]
