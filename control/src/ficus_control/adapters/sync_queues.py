"""The forward DLQ and the conflict queue as plan signals, from sync's HTTP API:
GET {sync_url}/v1/queues → `{"domains": {"<d>": {"forward_dlq": n, "conflicts": n}}}`.
Any failure (sync away, its databases unreadable, the domain not reported) is no evidence."""

from __future__ import annotations

from typing import Any

import httpx

from ficus_contracts.criteria.evaluate import Reading
from ficus_contracts.criteria.model import Signal

_FIELDS = {Signal.FORWARD_DLQ: "forward_dlq", Signal.CONFLICTS: "conflicts"}


class HttpSyncQueues:
    """Dead letters of forward sync and open conflicts of reverse sync, per domain."""

    signals = frozenset(_FIELDS)

    def __init__(self, sync_url: str, timeout: float = 3.0, client: httpx.Client | None = None):
        self.url = sync_url.rstrip("/") + "/v1/queues"
        self.client = client or httpx.Client(timeout=timeout)

    def read(self, domain: str) -> dict[Signal, Reading]:
        try:
            response = self.client.get(self.url)
            response.raise_for_status()
            body: Any = response.json()
        except httpx.HTTPError as exc:
            return _missing(f"sync's queues unreadable at {self.url}: {exc}")
        except ValueError:
            return _missing(f"sync answered non-JSON at {self.url}")
        entry = body.get("domains", {}).get(domain) if isinstance(body, dict) else None
        if not isinstance(entry, dict):
            return _missing(f"sync at {self.url} counts no queues of {domain!r}")
        return {signal: _count(entry.get(key), key) for signal, key in _FIELDS.items()}

    def close(self) -> None:
        self.client.close()


def _count(value: Any, key: str) -> Reading:
    if isinstance(value, int) and not isinstance(value, bool):
        return Reading(float(value))
    return Reading(missing=f"sync gave no {key} count")


def _missing(why: str) -> dict[Signal, Reading]:
    return {signal: Reading(missing=why) for signal in _FIELDS}
