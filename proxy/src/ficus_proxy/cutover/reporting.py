"""Reports the proxy's own decisions (a read trip, an automatic rollback) to the control
plane's admin API. Never blocks a request: reports are queued and sent by a background task,
retried with backoff while the control plane is down."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

log = logging.getLogger(__name__)


@dataclass
class Report:
    action: str  # "trip" | "rollback"
    domain: str
    payload: dict[str, Any]
    on_delivered: Callable[[], None] = field(default=lambda: None)


class ControlReporter:
    """Client of `POST {control}/api/v1/domains/{domain}/{trip|rollback}` (an adapter)."""

    def __init__(self, base_url: str | None, token: str | None, max_backoff: float = 5.0) -> None:
        self._base = base_url.rstrip("/") if base_url else None
        self._token = token
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

    async def run(self) -> None:
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        timeout = aiohttp.ClientTimeout(total=5)
        async with aiohttp.ClientSession(headers=headers, timeout=timeout) as session:
            delay = 0.2
            while True:
                await self._wakeup.wait()
                while self._queue:
                    if not await self._send(session, self._queue[0]):
                        await asyncio.sleep(delay)
                        delay = min(delay * 2, self._max_backoff)
                        continue
                    self._queue.popleft()
                    delay = 0.2
                self._wakeup.clear()

    async def _send(self, session: aiohttp.ClientSession, report: Report) -> bool:
        """True when the report is settled (delivered, or refused for good)."""
        if self._base is None:
            log.error("no control_api_url: cannot report %s of %s", report.action, report.domain)
            return True
        url = f"{self._base}/api/v1/domains/{report.domain}/{report.action}"
        try:
            async with session.post(url, json=report.payload) as response:
                status = response.status
                text = (await response.text())[:300]
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            log.warning("control plane unreachable for %s %s: %r", report.action, url, exc)
            return False
        if status < 300 or status == 409:
            report.on_delivered()
            self.delivered.append(report)
            return True
        if status >= 500:
            log.warning("control plane failed %s (%s): %s", url, status, text)
            return False
        log.error("control plane refused %s (%s): %s", url, status, text)
        return True
