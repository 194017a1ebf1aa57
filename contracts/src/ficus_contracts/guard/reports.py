"""The reports of a data plane's automatic actions (a read trip, a rollback) on their way to
the control plane: queued, sent in order by one task, retried with backoff while control is
down. The sending itself (`send`: an HTTP POST) is the plane's adapter; a report is settled
when delivered (2xx, or 409: the lane moved meanwhile) or refused for good."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

Settled = Literal["delivered", "refused", "retry"]


@dataclass
class Report:
    action: str  # "trip" | "rollback"
    domain: str
    payload: dict[str, Any]
    on_delivered: Callable[[], None] = field(default=lambda: None)


class ReportQueue:
    def __init__(self, max_backoff: float = 5.0) -> None:
        self._max_backoff = max_backoff
        self._queue: deque[Report] = deque(maxlen=1000)
        self._wakeup = asyncio.Event()
        self.delivered: deque[Report] = deque(maxlen=100)

    def submit(self, report: Report) -> None:
        self._queue.append(report)
        self._wakeup.set()

    @property
    def pending(self) -> int:
        return len(self._queue)

    async def drain(self, send: Callable[[Report], Awaitable[Settled]]) -> None:
        """Send what is queued with `send`, oldest first, until cancelled."""
        delay = 0.2
        while True:
            await self._wakeup.wait()
            while self._queue:
                outcome = await send(self._queue[0])
                if outcome == "retry":
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, self._max_backoff)
                    continue
                report = self._queue.popleft()
                if outcome == "delivered":
                    report.on_delivered()
                    self.delivered.append(report)
                delay = 0.2
            self._wakeup.clear()
