"""Reverse sync's drain, over sync's HTTP API: POST {sync_url}/v1/reverse/{domain}/drain."""

from __future__ import annotations

from typing import Any

import httpx

from ficus_control.cutover.ports import DrainReport


class HttpReverseDrain:
    """Implements ReverseDrain. Sync answers `{"drained": bool, "pending": n}` once the outbox
    is empty or `timeout` seconds passed; the HTTP timeout is that plus `http_timeout`. Any
    failure becomes a report with `error` set."""

    def __init__(
        self, sync_url: str, http_timeout: float = 3.0, client: httpx.Client | None = None
    ) -> None:
        self.base = sync_url.rstrip("/") + "/v1/reverse"
        self.http_timeout = http_timeout
        self.client = client or httpx.Client()

    def drain(self, domain: str, timeout: float) -> DrainReport:
        url = f"{self.base}/{domain}/drain"
        try:
            response = self.client.post(
                url, params={"timeout": f"{timeout:g}"}, timeout=timeout + self.http_timeout
            )
            body: Any = response.json()
        except httpx.HTTPError as exc:
            return DrainReport(False, error=f"sync unreachable at {url}: {exc}")
        except ValueError:
            return DrainReport(False, error=f"sync answered non-JSON at {url}")
        if response.status_code != 200 or not isinstance(body, dict):
            detail = body.get("detail") if isinstance(body, dict) else body
            return DrainReport(False, error=f"sync answered {response.status_code}: {detail}")
        pending = body.get("pending")
        return DrainReport(
            body.get("drained") is True, pending if isinstance(pending, int) else None
        )
