"""Reverse sync's state as operators see it: per domain, running or not, backlog (pending
outbox rows and the age of the oldest), dead letters, the last error; Prometheus metrics in
sync's registry. Fed by the workers, read by the HTTP surface (`/v1/reverse/health`,
`/v1/lag`'s `reverse` section, `/metrics`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge


@dataclass(frozen=True)
class Backlog:
    """What a service has written that Magento has not got yet."""

    pending: int
    oldest_age_seconds: float


BacklogProbe = Callable[[], Backlog]  # a fresh read of one domain's outbox


@dataclass
class _Domain:
    running: bool = False
    dlq: int = 0
    pending: int = 0
    lag_seconds: float = 0.0
    last_error: str | None = None


class ReverseStatus:
    """Thread-safe: workers write, the HTTP server reads."""

    def __init__(self, registry: CollectorRegistry, probes: Mapping[str, BacklogProbe]) -> None:
        self.probes = probes
        self._lock = threading.Lock()
        self._domains = {domain: _Domain() for domain in probes}
        labels = ["domain"]
        self._lag = Gauge(
            "ficus_sync_reverse_lag_seconds", "Age of the oldest pending outbox row", labels,
            registry=registry,
        )  # fmt: skip
        self._pending = Gauge(
            "ficus_sync_reverse_pending", "Outbox rows not yet in Magento", labels,
            registry=registry,
        )  # fmt: skip
        self.applied_total = Counter(
            "ficus_sync_reverse_applied", "Outbox rows applied to Magento", labels,
            registry=registry,
        )  # fmt: skip
        self.dead_total = Counter(
            "ficus_sync_reverse_dead", "Outbox rows sent to the reverse DLQ", labels,
            registry=registry,
        )  # fmt: skip
        self.conflicts_total = Counter(
            "ficus_sync_conflicts", "Conflicts found by the reverse merge", ["domain", "policy"],
            registry=registry,
        )  # fmt: skip

    @property
    def domains(self) -> Iterable[str]:
        return tuple(self._domains)

    def running(self, domain: str, running: bool, error: str | None = None) -> None:
        with self._lock:
            state = self._domains[domain]
            state.running = running
            if error is not None:
                state.last_error = error

    def observed(self, domain: str, backlog: Backlog, dlq: int) -> None:
        with self._lock:
            state = self._domains[domain]
            state.pending, state.lag_seconds, state.dlq = (
                backlog.pending, round(backlog.oldest_age_seconds, 3), dlq,
            )  # fmt: skip
        self._pending.labels(domain).set(backlog.pending)
        self._lag.labels(domain).set(backlog.oldest_age_seconds)

    def health(self) -> dict[str, dict[str, Any]]:
        """`{domain: {"running", "dlq", "lag_seconds", "pending", "last_error"}}`."""
        with self._lock:
            return {
                name: {
                    "running": d.running,
                    "dlq": d.dlq,
                    "lag_seconds": d.lag_seconds,
                    "pending": d.pending,
                    "last_error": d.last_error,
                }  # fmt: skip
                for name, d in self._domains.items()
            }

    def lag(self) -> dict[str, dict[str, Any]]:
        """`/v1/lag`'s `reverse` section: the forward section's shape, per domain."""
        return {
            name: {"seconds_behind": h["lag_seconds"], "events_behind": h["pending"]}
            for name, h in self.health().items()
        }

    def drain(self, domain: str, timeout: float, interval: float = 0.1) -> Backlog:
        """Wait (reading the outbox afresh) until nothing is pending or `timeout` passes."""
        probe = self.probes[domain]
        deadline = time.monotonic() + timeout
        backlog = probe()
        while backlog.pending and time.monotonic() < deadline:
            time.sleep(interval)
            backlog = probe()
        return backlog
