"""The event consumer: sync's `domain_event` rows after the checkpoint → the search database,
in batches. One batch is one transaction holding the new states, the rebuilt documents (which
the Postgres engine serves), the dead letters and the checkpoint: a crash neither loses nor
repeats an effect. Order: apply each event in a savepoint → dead-letter the bad ones →
re-index the touched products → move the checkpoint → commit → metrics.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg

from ficus_contracts.gap import GapGuard
from ficus_search import repository
from ficus_search.applying import AGGREGATES, Outcome, apply_event, parse_event, reindex
from ficus_search.core.errors import InvalidEvent, SourceUnavailable
from ficus_search.metrics import SearchMetrics
from ficus_search.source import EventSource

log = logging.getLogger(__name__)
CONSUMER = "search"
_DEAD_LETTER_ERRORS = (InvalidEvent, psycopg.DataError, psycopg.IntegrityError)


class BatchApplier:
    """Applies a batch of event rows in one transaction of the search database."""

    def __init__(self, url: str, today: Callable[[], dt.date] = dt.date.today) -> None:
        self._url = url
        self._today = today

    def checkpoint(self) -> int:
        with repository.connect(self._url) as conn:
            return repository.checkpoint(conn, CONSUMER)

    def apply_batch(self, rows: list[dict[str, Any]]) -> list[tuple[dict[str, Any], Outcome]]:
        """Fast path without savepoints; if the database refuses an event, the batch is rolled
        back and applied again with one savepoint per event, dead-lettering the bad ones."""
        try:
            return self._apply_batch(rows, careful=False)
        except (psycopg.DataError, psycopg.IntegrityError):
            return self._apply_batch(rows, careful=True)

    def _apply_batch(
        self, rows: list[dict[str, Any]], *, careful: bool
    ) -> list[tuple[dict[str, Any], Outcome]]:
        touched: set[int] = set()
        handled = []
        with repository.connect(self._url) as conn:
            for row in rows:
                outcome, ids = self._apply_one(conn, row, careful)
                touched |= ids
                handled.append((row, outcome))
            newest = max((r.get("source_ts_ms") or 0 for r in rows), default=0)
            reindex(conn, touched, newest or None, self._today())
            repository.save_checkpoint(conn, CONSUMER, int(rows[-1]["seq"]))
        return handled

    def _apply_one(
        self, conn: repository.Conn, row: dict[str, Any], careful: bool
    ) -> tuple[Outcome, set[int]]:
        if row.get("aggregate") not in AGGREGATES:
            return Outcome.IGNORED, set()
        try:
            event = parse_event(row)
            if not careful:
                return apply_event(conn, event)
            with conn.transaction():
                return apply_event(conn, event)
        except _DEAD_LETTER_ERRORS as exc:
            if not careful and not isinstance(exc, InvalidEvent):
                raise
            log.warning("dead letter seq=%s: %s", row.get("seq"), exc)
            repository.dead_letter(conn, row, f"{type(exc).__name__}: {exc}")
            return Outcome.DEAD_LETTER, set()


class Consumer:
    """LISTEN-woken, poll-backed loop in a thread of its own; `drain()` is the unit of work.
    `on_commit` runs after each committed batch (the Elasticsearch indexer hooks in here);
    `on_store_change`, after a batch that applied a store event (the API's store map)."""

    def __init__(
        self,
        source: EventSource,
        batch: BatchApplier,
        metrics: SearchMetrics,
        *,
        batch_size: int = 500,
        poll_interval: float = 1.0,
        gap_grace: float = 0.5,
        freshness_engine: str | None = "postgres",
        on_commit: Callable[[], None] | None = None,
    ) -> None:
        self._source = source
        self._batch = batch
        self._metrics = metrics
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._gaps = GapGuard(gap_grace)
        self._freshness_engine = freshness_engine
        self._on_commit = on_commit
        self.on_store_change: Callable[[], None] | None = None
        self._last: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.healthy = False

    def drain(self) -> int:
        """Apply every available event; returns how many rows were handled."""
        if self._last is None:
            self._last = self._batch.checkpoint()
        total = 0
        while True:
            fetched = self._source.fetch_after(self._last, self._batch_size)
            rows = self._gaps.admit(self._last, fetched)
            if not rows:
                return total
            try:
                handled = self._batch.apply_batch(rows)
            except Exception:
                self._last = None
                raise
            self._last = int(rows[-1]["seq"])
            self._record(handled)
            if self._on_commit is not None:
                self._on_commit()
            if self.on_store_change is not None and any(
                row.get("aggregate") == "store" and outcome is Outcome.APPLIED
                for row, outcome in handled
            ):
                self.on_store_change()
            total += len(rows)

    def _record(self, handled: list[tuple[dict[str, Any], Outcome]]) -> None:
        now = time.time()
        for row, outcome in handled:
            self._metrics.events.labels(str(row.get("aggregate")), outcome.value).inc()
            ts = row.get("source_ts_ms")
            searchable = outcome is Outcome.APPLIED and row.get("aggregate") != "store"
            if self._freshness_engine and ts and searchable:
                self._metrics.freshness.labels(self._freshness_engine).observe(
                    max(0.0, now - ts / 1000)
                )
        self._metrics.checkpoint.set(self._last or 0)

    def run(self) -> None:
        backoff = 0.1
        while not self._stop.is_set():
            try:
                self.drain()
                self._metrics.lag_events.set(max(0, self._source.head() - (self._last or 0)))
                self.healthy = True
                backoff = 0.1
                wait = self._poll_interval / 10 if self._gaps.holding else self._poll_interval
                self._source.wait(wait)
            except Exception as exc:
                self.healthy = False
                self._metrics.consumer_errors.inc()
                if isinstance(exc, SourceUnavailable | psycopg.OperationalError):
                    log.warning("consumer: %s; retrying in %.1fs", exc, backoff)
                else:
                    log.exception("consumer: unexpected failure; retrying in %.1fs", backoff)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self.run, name="search-consumer", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._source.close()
