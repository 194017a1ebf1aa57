"""Forward sync lag, read from sync's HTTP API: GET {sync_url}/v1/lag."""

from __future__ import annotations

from typing import Any

import httpx

from ficus_control.cutover.core.gates import LagReading


class HttpLagProbe:
    """Reads `{"domains": {"<d>": {"seconds_behind": float, "events_behind": int}}}`.
    Any failure becomes a reading with `error` set, which fails the lag gate."""

    def __init__(self, sync_url: str, timeout: float = 3.0, client: httpx.Client | None = None):
        self.url = sync_url.rstrip("/") + "/v1/lag"
        self.client = client or httpx.Client(timeout=timeout)

    def lag(self, domain: str) -> LagReading:
        try:
            response = self.client.get(self.url)
            response.raise_for_status()
            body: Any = response.json()
        except httpx.HTTPError as exc:
            return LagReading(error=f"sync unreachable at {self.url}: {exc}")
        except ValueError:
            return LagReading(error=f"sync answered non-JSON at {self.url}")
        return _reading(body, domain, self.url)


def _reading(body: Any, domain: str, url: str) -> LagReading:
    entry = body.get("domains", {}).get(domain) if isinstance(body, dict) else None
    if not isinstance(entry, dict):
        return LagReading(error=f"sync at {url} reports no lag for domain {domain!r}")
    seconds, events = entry.get("seconds_behind"), entry.get("events_behind")
    if not isinstance(seconds, int | float):
        return LagReading(error=f"sync at {url} gave no seconds_behind for {domain!r}")
    return LagReading(float(seconds), int(events) if isinstance(events, int) else None)
