"""Prometheus metrics of one proxy worker, in a registry of its own. Label children are cached
so the hot path does a dict lookup, not prometheus_client's label resolution."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from ficus_contracts.guard.budget import BudgetWindow

_LATENCY_BUCKETS = (
    *(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
UNROUTED = "-"
WriteWindows = Callable[[], Mapping[str, BudgetWindow]]  # per domain, its writes budget's window


class ProxyMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self._requests = Counter(
            "ficus_proxy_requests", "Proxied requests", ["domain", "backend", "status"], registry=r
        )
        self._latency = Histogram(
            "ficus_proxy_request_seconds",
            "Time to the upstream's response headers",
            ["domain", "backend"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self._fallbacks = Counter(
            "ficus_proxy_fallbacks", "Reads served by Magento after the new backend failed",
            ["domain", "reason"], registry=r,
        )  # fmt: skip
        self._write_unavailable = Counter(
            "ficus_proxy_write_unavailable",
            "Writes answered 503 with Retry-After (new backend failed, breaker open, draining)",
            ["domain", "reason"], registry=r,
        )  # fmt: skip
        self._rejected = Counter("ficus_proxy_rejected", "Refused requests", ["reason"], registry=r)
        self._shadow = Counter(
            "ficus_proxy_shadow", "Shadow comparisons", ["domain", "result"], registry=r
        )
        self.shadow_rate = Gauge(
            "ficus_proxy_shadow_mismatch_rate", "Mismatch rate over the diff window",
            ["domain"], registry=r,
        )  # fmt: skip
        self.breaker = Gauge(
            "ficus_proxy_breaker_state", "0 closed, 1 open, 2 half-open", ["upstream"], registry=r
        )
        self.tripped = Gauge(
            "ficus_proxy_reads_tripped", "1 if the domain's reads are tripped to Magento",
            ["domain"], registry=r,
        )  # fmt: skip
        self.state_version = Gauge(
            "ficus_proxy_cutover_version", "Cutover state version seen", ["domain"], registry=r
        )
        self.control_db_up = Gauge(
            "ficus_proxy_control_db_up", "1 while the cutover-state listener is connected",
            registry=r,
        )  # fmt: skip
        self._write_p99 = Gauge(
            "ficus_proxy_write_p99_ms",
            "p99 of the writes the new backend answered over the writes budget's window "
            "(absent while no write flowed)", ["domain"], registry=r,
        )  # fmt: skip
        self._write_requests = Gauge(
            "ficus_proxy_write_window_requests",
            "Writes sent to the new backend within the writes budget's window", ["domain"],
            registry=r,
        )  # fmt: skip
        self._write_windows: WriteWindows | None = None
        self._children: dict[tuple[str | None, str, int], tuple[Any, Any]] = {}
        self._other_children: dict[tuple[Any, ...], Any] = {}

    def request(self, domain: str | None, backend: str, status: int, seconds: float) -> None:
        key = (domain, backend, status)
        children = self._children.get(key)
        if children is None:
            children = self._children[key] = self._request_children(domain, backend, status)
        counter, histogram = children
        counter.inc()
        histogram.observe(seconds)

    def _request_children(self, domain: str | None, backend: str, status: int) -> tuple[Any, Any]:
        d = domain or UNROUTED
        return self._requests.labels(d, backend, str(status)), self._latency.labels(d, backend)

    def fallback(self, domain: str, reason: str) -> None:
        self._child(self._fallbacks, domain, reason).inc()

    def write_unavailable(self, domain: str, reason: str) -> None:
        self._child(self._write_unavailable, domain, reason).inc()

    def rejected(self, reason: str) -> None:
        self._child(self._rejected, reason).inc()

    def shadow(self, domain: str, result: str) -> None:
        self._child(self._shadow, domain, result).inc()

    def breaker_state(self, upstream: str, value: int) -> None:
        self._child(self.breaker, upstream).set(value)

    def _child(self, metric: Any, *labels: str) -> Any:
        key = (id(metric), *labels)
        child = self._other_children.get(key)
        if child is None:
            child = self._other_children[key] = metric.labels(*labels)
        return child

    def watch_writes(self, windows: WriteWindows) -> None:
        """Expose the writes budgets' windows (read at each scrape, not per request)."""
        self._write_windows = windows

    def render(self) -> bytes:
        if self._write_windows is not None:
            self._refresh_writes(self._write_windows())
        return generate_latest(self.registry)

    def _refresh_writes(self, windows: Mapping[str, BudgetWindow]) -> None:
        for domain, window in windows.items():
            self._write_requests.labels(domain).set(window.requests)
            if window.p99_ms is None:
                with contextlib.suppress(KeyError):  # not exposed: no write in the window
                    self._write_p99.remove(domain)
            else:
                self._write_p99.labels(domain).set(window.p99_ms)
