"""Reports the agent's automatic actions (a read trip, a rollback) to the control plane's
admin API (an adapter): `POST {control}/api/v1/domains/{domain}/{trip|rollback}` with the
proxy's token, as the Python proxy does, through the same queue
(`ficus_contracts.guard.reports`: in order, retried with backoff while control is down)."""

from __future__ import annotations

import asyncio
import json
import logging
import urllib.error
import urllib.request

from ficus_contracts.guard.reports import Report, ReportQueue, Settled

log = logging.getLogger(__name__)


class ControlReporter(ReportQueue):
    def __init__(self, base_url: str | None, token: str | None, max_backoff: float = 5.0) -> None:
        super().__init__(max_backoff)
        self._base = base_url.rstrip("/") if base_url else None
        self._token = token

    async def run(self) -> None:
        """Send what is queued, until cancelled."""
        await self.drain(lambda report: asyncio.to_thread(self._send, report))

    def _send(self, report: Report) -> Settled:
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
