"""Prometheus metrics of a consumer. The collectors keep the names each service exposes today
(dashboards and alerts depend on them); `FeedMetrics.standard` names a new service's alike."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from ficus_feed.core import Handled, lag_seconds

LAG_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300)
_CHECKPOINT = "Last domain_event seq applied (committed with its effect)."
_LAG_EVENTS = "Events in sync's domain_event table not yet applied by the {}."
_LAG_SECONDS = (
    "Seconds since the Magento commit of the oldest event not yet applied (0 when caught up)."
)
_ERRORS = "Consumer loop failures (source or database unreachable), retried with backoff."
_APPLY_LAG = "Magento commit (source_ts_ms) → applied in the {} database."


def _every(_: Handled) -> bool:
    return True


@dataclass(frozen=True)
class FeedMetrics:
    """Events by aggregate and outcome, checkpoint, lag, failures; `apply_lag` observes
    Magento commit → committed here for each handled event `fresh` accepts."""

    registry: CollectorRegistry
    events: Counter
    checkpoint: Gauge
    lag_events: Gauge
    errors: Counter
    lag_seconds: Gauge | None = None
    apply_lag: Histogram | None = None
    fresh: Callable[[Handled], bool] = _every

    @classmethod
    def standard(cls, service: str, registry: CollectorRegistry | None = None) -> FeedMetrics:
        """`ficus_<service>_events_total`, `…_consumer_lag_events` and the rest."""
        r = registry or CollectorRegistry()
        name = f"ficus_{service}"
        return cls(
            registry=r,
            events=Counter(
                f"{name}_events_total",
                f"Domain events handled by the {service} consumer, by aggregate and outcome "
                "(applied, deleted, stale = equal/older version ignored, ignored, dead_letter).",
                ["aggregate", "outcome"],
                registry=r,
            ),
            checkpoint=Gauge(f"{name}_consumer_checkpoint_seq", _CHECKPOINT, registry=r),
            lag_events=Gauge(
                f"{name}_consumer_lag_events", _LAG_EVENTS.format(service), registry=r
            ),
            errors=Counter(f"{name}_consumer_errors_total", _ERRORS, registry=r),
            lag_seconds=Gauge(f"{name}_consumer_lag_seconds", _LAG_SECONDS, registry=r),
            apply_lag=Histogram(
                f"{name}_apply_lag_seconds",
                _APPLY_LAG.format(service),
                buckets=LAG_BUCKETS,
                registry=r,
            ),
        )

    def committed(self, handled: Sequence[Handled], checkpoint: int, now: float) -> None:
        for item in handled:
            self.events.labels(item.aggregate, item.outcome.value).inc()
            if self.apply_lag is not None and item.source_ts_ms and self.fresh(item):
                self.apply_lag.observe(lag_seconds(item.source_ts_ms, now))
        self.checkpoint.set(checkpoint)


MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"  # prometheus_client's multiprocess mode


def exposition(registry: CollectorRegistry) -> bytes:
    """A service's `/metrics` body: `registry`'s; when the service runs worker processes
    (`MULTIPROC_DIR` set by its supervisor before any of them imported prometheus_client),
    every process's instead, so a scrape is not one random worker's: counters and histograms
    summed over the processes, gauges one series per process (label `pid`)."""
    directory = os.environ.get(MULTIPROC_DIR)
    if not directory:
        return generate_latest(registry)
    merged = CollectorRegistry()
    MultiProcessCollector(merged, directory)  # type: ignore[no-untyped-call]
    return generate_latest(merged)
