"""Reports the proxy's own decisions (a read trip, an automatic rollback) to the control
plane's admin API. Never blocks a request: reports are queued and sent by a background task,
retried with backoff while the control plane is down."""

from __future__ import annotations

import logging

import aiohttp

from ficus_contracts.guard.reports import Report, ReportQueue, Settled

__all__ = ["ControlReporter", "Report"]
log = logging.getLogger(__name__)


class ControlReporter(ReportQueue):
    """Client of `POST {control}/api/v1/domains/{domain}/{trip|rollback}` (an adapter) over
    the shared report queue (`ficus_contracts.guard.reports`)."""

    def __init__(self, base_url: str | None, token: str | None, max_backoff: float = 5.0) -> None:
        super().__init__(max_backoff)
        self._base = base_url.rstrip("/") if base_url else None
        self._token = token

    async def run(self) -> None:
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        timeout = aiohttp.ClientTimeout(total=5)
        async with aiohttp.ClientSession(headers=headers, timeout=timeout) as session:
            await self.drain(lambda report: self._send(session, report))

    async def _send(self, session: aiohttp.ClientSession, report: Report) -> Settled:
        if self._base is None:
            log.error("no control_api_url: cannot report %s of %s", report.action, report.domain)
            return "refused"
        url = f"{self._base}/api/v1/domains/{report.domain}/{report.action}"
        try:
            async with session.post(url, json=report.payload) as response:
                status = response.status
                text = (await response.text())[:300]
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            log.warning("control plane unreachable for %s %s: %r", report.action, url, exc)
            return "retry"
        if status < 300 or status == 409:
            return "delivered"
        if status >= 500:
            log.warning("control plane failed %s (%s): %s", url, status, text)
            return "retry"
        log.error("control plane refused %s (%s): %s", url, status, text)
        return "refused"
