"""Lag bookkeeping: per table and per domain, seconds and events behind, plus Prometheus
metrics. Fed by the pipeline (received/applied) and by a probe of MariaDB's GTID position."""

from __future__ import annotations

import threading
import time
from collections import Counter as Tally
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from ficus_contracts.reverse import REVERSE_LOG_TABLE
from ficus_sync.core.tables import (
    ADDRESS_VALUE_TABLES,
    CATEGORY_TABLES,
    CUSTOMER_TABLES,
    METADATA_TABLES,
    PRODUCT_TABLES,
)

_PRODUCT_AGGREGATES = (*METADATA_TABLES, *CATEGORY_TABLES, *PRODUCT_TABLES)
_CUSTOMER_AGGREGATE = (
    *METADATA_TABLES, *CUSTOMER_TABLES, *ADDRESS_VALUE_TABLES, REVERSE_LOG_TABLE,
)  # fmt: skip
# Every domain fed by what sync projects: catalog and search both consume the store, category
# and product events, so their forward lag is the lag of the same captured tables; the
# customer domain consumes customer events (attribute metadata and reverse-sync markers too).
DOMAIN_TABLES: dict[str, tuple[str, ...]] = {
    "catalog": _PRODUCT_AGGREGATES,
    "search": _PRODUCT_AGGREGATES,
    "customer": _CUSTOMER_AGGREGATE,
}


def gtid_seq(gtid: str | None, domain_server: str | None = None) -> dict[str, int]:
    """'0-1-9,1-2-5' → {'0-1': 9, '1-2': 5} (sequence numbers per domain-server)."""
    result: dict[str, int] = {}
    for part in (gtid or "").split(","):
        pieces = part.strip().split("-")
        if len(pieces) == 3 and pieces[2].isdigit():
            result[f"{pieces[0]}-{pieces[1]}"] = int(pieces[2])
    return result


def gtid_distance(master: str | None, applied: str | None) -> int:
    """Transactions in `master` that `applied` has not reached (per MariaDB GTID domain)."""
    ahead = gtid_seq(master)
    done_by_domain = {k.split("-")[0]: v for k, v in gtid_seq(applied).items()}
    return sum(max(0, seq - done_by_domain.get(key.split("-")[0], 0)) for key, seq in ahead.items())


@dataclass
class _InFlight:
    source_ts_ms: int | None
    tables: Tally[str] = field(default_factory=Tally)


class LagTracker:
    """Thread-safe lag state shared by the pipeline and the HTTP server."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._lock = threading.Lock()
        self._in_flight: list[_InFlight] = []
        self._last_applied_at = time.time()
        self._applied_gtid: str | None = None
        self._master_gtid: str | None = None
        self._last_source_ts: dict[str, int] = {}
        self.connected = False
        self._seconds = Gauge(
            "ficus_sync_seconds_behind", "Seconds behind the source", ["scope", "name"],
            registry=self.registry,
        )  # fmt: skip
        self._events = Gauge(
            "ficus_sync_events_behind", "Events behind the source", ["scope", "name"],
            registry=self.registry,
        )  # fmt: skip
        self.applied_total = Counter(
            "ficus_sync_row_changes_applied", "Row changes applied", ["table"],
            registry=self.registry,
        )  # fmt: skip
        self.domain_events_total = Counter(
            "ficus_sync_domain_events", "Domain events emitted", ["aggregate"],
            registry=self.registry,
        )  # fmt: skip
        self.dead_letters_total = Counter(
            "ficus_sync_dead_letters", "Events sent to the dead-letter table",
            registry=self.registry,
        )  # fmt: skip
        self.echo_suppressed_total = Counter(
            "ficus_sync_echo_suppressed", "Reverse-sync echoes recognised and not emitted",
            ["aggregate"], registry=self.registry,
        )  # fmt: skip
        self.batch_seconds = Histogram(
            "ficus_sync_batch_apply_seconds", "Time to apply one batch", registry=self.registry
        )

    def echo_suppressed(self, aggregate: str, count: int) -> None:
        self.echo_suppressed_total.labels(aggregate).inc(count)

    def received(self, source_ts_ms: int | None, tables: Tally[str]) -> None:
        with self._lock:
            self._in_flight.append(_InFlight(source_ts_ms, tables))

    def applied(self, gtid: str | None) -> None:
        with self._lock:
            for flight in self._in_flight:
                for table, count in flight.tables.items():
                    self.applied_total.labels(table).inc(count)
                    if flight.source_ts_ms is not None:
                        self._last_source_ts[table] = flight.source_ts_ms
            self._in_flight = []
            self._last_applied_at = time.time()
            if gtid:
                self._applied_gtid = gtid

    def observe_master(self, gtid: str | None) -> None:
        with self._lock:
            self._master_gtid = gtid

    def snapshot(self) -> dict[str, Any]:
        """The `/v1/lag` document; also refreshes the Prometheus gauges."""
        now = time.time()
        with self._lock:
            tables = self._tables(now)
            behind = gtid_distance(self._master_gtid, self._applied_gtid)
            in_flight = sum(sum(f.tables.values()) for f in self._in_flight)
            oldest = [f.source_ts_ms for f in self._in_flight if f.source_ts_ms is not None]
            idle_for = now - self._last_applied_at
        seconds = idle_for if behind > 0 else 0.0
        if oldest:
            seconds = max(0.0, now - min(oldest) / 1000)
        domains = {
            name: {"seconds_behind": round(seconds, 3), "events_behind": max(behind, in_flight)}
            for name in DOMAIN_TABLES
        }
        self._publish(domains, tables)
        return {"domains": domains, "tables": tables, "connected": self.connected}

    def _tables(self, now: float) -> dict[str, dict[str, Any]]:
        result: dict[str, dict[str, Any]] = {}
        for table in dict.fromkeys(t for tables in DOMAIN_TABLES.values() for t in tables):
            pending = [f for f in self._in_flight if f.tables.get(table)]
            oldest = [f.source_ts_ms for f in pending if f.source_ts_ms is not None]
            result[table] = {
                "seconds_behind": round(max(0.0, now - min(oldest) / 1000), 3) if oldest else 0.0,
                "events_behind": sum(f.tables[table] for f in pending),
                "last_source_ts_ms": self._last_source_ts.get(table),
            }
        return result

    def _publish(self, domains: dict[str, dict[str, Any]], tables: dict[str, Any]) -> None:
        for scope, values in (("domain", domains), ("table", tables)):
            for name, lag in values.items():
                self._seconds.labels(scope, name).set(lag["seconds_behind"])
                self._events.labels(scope, name).set(lag["events_behind"])
