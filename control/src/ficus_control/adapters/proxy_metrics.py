"""The proxies' Prometheus metrics as plan signals: GET {proxy_url}/metrics of every replica
(their admin listeners). One unreachable replica makes the signals no evidence: a partial sum
would hide that replica's errors."""

from __future__ import annotations

from collections.abc import Sequence

import httpx

from ficus_contracts.criteria.evaluate import Reading
from ficus_contracts.criteria.model import Signal
from ficus_control.plan.core.proxy_metrics import read_signals, write_signals


class HttpProxyMetrics:
    """Read success, read p99 and write p99 of a domain's new backend, from every proxy
    replica."""

    signals = frozenset({Signal.READ_SUCCESS, Signal.READ_P99, Signal.WRITE_P99})

    def __init__(
        self, proxy_urls: Sequence[str], timeout: float = 3.0, client: httpx.Client | None = None
    ) -> None:
        self.urls = [url.rstrip("/") for url in proxy_urls]
        self.client = client or httpx.Client(timeout=timeout)

    def read(self, domain: str) -> dict[Signal, Reading]:
        texts = []
        for url in self.urls:
            try:
                response = self.client.get(f"{url}/metrics")
                response.raise_for_status()
            except httpx.HTTPError as exc:
                why = f"proxy metrics unreachable at {url}/metrics: {type(exc).__name__}"
                return {signal: Reading(missing=why) for signal in self.signals}
            texts.append(response.text)
        return {**read_signals(texts, domain), **write_signals(texts, domain)}

    def close(self) -> None:
        self.client.close()
