"""Prometheus metrics of the catalog service, in a registry of their own (one per app)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class CatalogMetrics:
    """What operators watch: events applied by outcome, consumer lag, apply latency."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.events = Counter(
            "ficus_catalog_events_total",
            "Domain events handled by the catalog consumer, by aggregate and outcome "
            "(applied, deleted, stale = equal/older version ignored, ignored, dead_letter).",
            ["aggregate", "outcome"],
            registry=self.registry,
        )
        self.lag_events = Gauge(
            "ficus_catalog_consumer_lag_events",
            "Events in sync's domain_event table not yet applied by the catalog.",
            registry=self.registry,
        )
        self.lag_seconds = Gauge(
            "ficus_catalog_consumer_lag_seconds",
            "Seconds since the Magento commit of the oldest event not yet applied (0 when "
            "caught up).",
            registry=self.registry,
        )
        self.checkpoint = Gauge(
            "ficus_catalog_consumer_checkpoint_seq",
            "Last domain_event seq applied (committed with its effect).",
            registry=self.registry,
        )
        self.apply_lag = Histogram(
            "ficus_catalog_apply_lag_seconds",
            "Magento commit (source_ts_ms) → applied in the catalog database.",
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300),
            registry=self.registry,
        )
        self.consumer_errors = Counter(
            "ficus_catalog_consumer_errors_total",
            "Consumer loop failures (source or database unreachable), retried with backoff.",
            registry=self.registry,
        )
