"""Prometheus metrics of the search service, on a registry of its own (one per app)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

_FRESHNESS_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0)


class SearchMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.events = Counter(
            "ficus_search_events_total",
            "Domain events handled",
            ["aggregate", "outcome"],
            registry=r,
        )
        self.freshness = Histogram(
            "ficus_search_freshness_seconds",
            "Magento commit (event source_ts_ms) to searchable, per engine",
            ["engine"],
            buckets=_FRESHNESS_BUCKETS,
            registry=r,
        )
        self.checkpoint = Gauge("ficus_search_checkpoint_seq", "Last applied event seq", registry=r)
        self.lag_events = Gauge("ficus_search_lag_events", "Events not yet applied", registry=r)
        self.consumer_errors = Counter(
            "ficus_search_consumer_errors_total", "Consumer loop failures", registry=r
        )
        self.queries = Counter(
            "ficus_search_queries_total", "Searches answered", ["engine", "outcome"], registry=r
        )
        self.query_seconds = Histogram(
            "ficus_search_query_seconds", "Search latency in the service", ["engine"], registry=r
        )
        self.fallbacks = Counter(
            "ficus_search_fallbacks_total", "Searches answered by the fallback engine", registry=r
        )
        self.indexed = Counter(
            "ficus_search_es_indexed_total", "Documents written to Elasticsearch", registry=r
        )
