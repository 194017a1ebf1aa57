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
        self._ring: deque[TraceEntry] = deque(maxlen=max(size, 1))
        self._clock = clock

    def add(
        self, rid: str, method: str, path: str, domain: str | None, backend: str, status: int
    ) -> None:
        self._ring.append(TraceEntry(self._clock(), rid, method, path, domain, backend, status))

    def find(self, request_id: str | None = None, limit: int = 100) -> list[TraceEntry]:
        """The newest `limit` entries, or those of one request id."""
        if request_id is not None:
            return [e for e in self._ring if e.request_id == request_id][-limit:]
        return list(self._ring)[-limit:] if limit > 0 else []
