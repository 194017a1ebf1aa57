"""Reports the agent's automatic actions (a read trip, a rollback) to the control plane's
admin API (an adapter): `POST {control}/api/v1/domains/{domain}/{trip|rollback}` with the
proxy's token, as the Python proxy does. Queued, sent in order by one task, retried with
backoff while control is down; a 409 (the lane moved meanwhile) settles a report."""

from __future__ import annotations

import asyncio
import json
import logging
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)


@dataclass
class Report:
    action: str  # "trip" | "rollback"
    domain: str
    payload: dict[str, Any]
    on_delivered: Callable[[], None] = field(default=lambda: None)


class ControlReporter:
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

    async def run(self) -> None:
        """Send what is queued, until cancelled."""
        delay = 0.2
        while True:
            await self._wakeup.wait()
            while self._queue:
                outcome = await asyncio.to_thread(self._send, self._queue[0])
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

    def _send(self, report: Report) -> str:
        """`delivered` (2xx, or 409: the lane moved meanwhile), `refused` for good, `retry`."""
        if self._base is None:
            log.error("no control API URL: cannot report %s of %s", report.action, report.domain)
            return "refused"
        url = f"{self._base}/api/v1/domains/{report.domain}/{report.action}"
        headers = {"Content-Type": "application/json"}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        body = json.dumps(report.payload).encode()
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except (urllib.error.URLError, OSError) as exc:
            log.warning("control plane unreachable for %s %s: %r", report.action, url, exc)
            return "retry"
        if status < 300 or status == 409:
            log.info("reported %s of %s: %s", report.action, report.domain, status)
            return "delivered"
        log.warning("control plane answered %s to %s", status, url)
        return "retry" if status >= 500 else "refused"
