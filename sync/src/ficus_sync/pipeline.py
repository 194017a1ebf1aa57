"""The forward pipeline: capture source → mirror → projector → domain events, one Postgres
transaction per batch (mirror rows, projections, id map, events, dead letters and the source
checkpoint commit together, so a crash neither loses nor repeats an effect).

Order of side effects per batch: mirror → projection/events → checkpoint → COMMIT (with
NOTIFY) → lag bookkeeping → `source.committed()`.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from ficus_feed.core import DeadLetterPolicy
from ficus_sync import database
from ficus_sync.capture.port import CaptureSource, Transaction
from ficus_sync.core.envelope import ChangeEvent, to_debezium
from ficus_sync.core.shape import TableShape
from ficus_sync.lag import LagTracker
from ficus_sync.mirror import Mirror, PgConn, TouchSet
from ficus_sync.projector import Projector

log = logging.getLogger(__name__)

ShapeLoader = Callable[[Sequence[str]], dict[str, TableShape]]


class Pipeline:
    """Applies transactions from one capture source to sync's Postgres database."""

    def __init__(
        self,
        conn: PgConn,
        source: CaptureSource,
        mirror: Mirror,
        projector: Projector,
        lag: LagTracker,
        reload_shapes: ShapeLoader,
        max_batch_events: int = 5_000,
        policy: DeadLetterPolicy = database.DEAD_LETTER_POLICY,
    ) -> None:
        self.conn = conn
        self.source = source
        self.mirror = mirror
        self.projector = projector
        self.lag = lag
        self.reload_shapes = reload_shapes
        self.max_batch_events = max_batch_events
        self.policy = policy

    def run(self, stop: threading.Event) -> None:
        """Stream until `stop` is set; raises on source or database failure."""
        position = database.load_checkpoint(self.conn, self.source.name)
        if position:
            self.lag.applied(position.get("gtid"))
        hints = {name: shape.hints for name, shape in self.mirror.shapes.items()}
        self.source.open(position, hints)
        try:
            while not stop.is_set():
                batch = self._next_batch()
                if batch:
                    self.apply(batch)
        finally:
            self.source.close()

    def _next_batch(self) -> list[Transaction]:
        first = self.source.poll(timeout=0.2)
        if first is None:
            return []
        batch = [first]
        count = len(first.events)
        while count < self.max_batch_events:
            more = self.source.poll(timeout=0)
            if more is None:
                break
            batch.append(more)
            count += len(more.events)
        return batch

    def apply(self, batch: Sequence[Transaction]) -> None:
        events = [e for txn in batch for e in txn.events]
        for txn in batch:
            self.lag.received(txn.source_ts_ms, Counter(e.table for e in txn.events))
        started = time.perf_counter()
        try:
            emitted = self._apply_once(batch, events, isolate=False)
        except Exception as exc:  # noqa: BLE001 - rolled back whole; redone below, isolating
            if not self.policy.is_poison(exc):
                raise
            log.warning("batch failed; applying it again with the bad events isolated")
            emitted = self._apply_once(batch, events, isolate=True)
        elapsed = time.perf_counter() - started
        self.lag.batch_seconds.observe(elapsed)
        if log.isEnabledFor(logging.INFO):
            tables = Counter(e.table for e in events).most_common(3)
            log.info("batch: %d txns, %d row changes %s, %d events, %.3fs",
                     len(batch), len(events), tables, emitted, elapsed)  # fmt: skip
        self.lag.applied(batch[-1].position.get("gtid"))
        self.source.committed(batch[-1].position)

    def _apply_once(
        self, batch: Sequence[Transaction], events: list[ChangeEvent], *, isolate: bool
    ) -> int:
        """One transaction: mirror, projection/events, checkpoint, NOTIFY.

        The fast path runs in pipeline mode (statements whose results are not needed are
        queued: a batch costs ~5 round trips instead of ~13) and without savepoints; any
        failure rolls the whole transaction back and the caller redoes it with `isolate`,
        which applies in savepoints and dead-letters the bad event or aggregate alone.
        """
        pipelined = contextlib.nullcontext() if isolate else self.conn.pipeline()
        with self.conn.transaction(), pipelined:  # the pipeline syncs inside the transaction
            self.conn.execute("SELECT pg_advisory_xact_lock_shared(%s)", (database.APPLY_LOCK,))
            self._refresh_shapes(batch, events)
            if isolate:
                touches = self._apply_mirror(events)
                emitted = self._project(touches, batch[-1].source_ts_ms)
            else:
                touches = self.mirror.apply(self.conn, events)
                emitted = self.projector.project(self.conn, touches, batch[-1].source_ts_ms)
            database.save_checkpoint(self.conn, self.source.name, batch[-1].position)
            if emitted:
                database.notify(self.conn)
        return emitted

    def _refresh_shapes(self, batch: Sequence[Transaction], events: list[ChangeEvent]) -> None:
        """A captured table was altered: widen its mirror table before applying rows."""
        tables = {t for txn in batch for t in txn.schema_changed}
        tables |= {e.table for e in events if self.mirror.unknown_columns(e)}
        if not tables:
            return
        for shape in self.reload_shapes(sorted(tables)).values():
            self.mirror.ensure_table(self.conn, shape)
        log.info("mirror columns refreshed for %s", ", ".join(sorted(tables)))

    def _apply_mirror(self, events: list[ChangeEvent]) -> TouchSet:
        try:
            with self.conn.transaction():
                return self.mirror.apply(self.conn, events)
        except Exception as exc:  # noqa: BLE001 - isolate the poison event below
            if not self.policy.is_poison(exc):
                raise
            log.warning("batch failed; retrying event by event to isolate the bad one")
        touches = TouchSet()
        for event in events:
            try:
                with self.conn.transaction():
                    touches.merge(self.mirror.apply(self.conn, [event]))
            except Exception as exc:  # noqa: BLE001 - dead-letter it, go on
                if not self.policy.is_poison(exc):
                    raise
                self._dead_letter(event.table, exc, to_debezium(event))
                touches.add_row(event.table, event.before)
                touches.add_row(event.table, event.after)
        return touches

    def _project(self, touches: TouchSet, source_ts_ms: int | None) -> int:
        try:
            with self.conn.transaction():
                return self.projector.project(self.conn, touches, source_ts_ms)
        except Exception as exc:  # noqa: BLE001 - isolate the aggregate below
            if not self.policy.is_poison(exc):
                raise
            log.warning("projection failed; retrying aggregate by aggregate")
        emitted = 0
        for aggregate, entity_id in sorted(self.projector.expand(self.conn, touches)):
            one = TouchSet(keys={(aggregate, entity_id)})
            try:
                with self.conn.transaction():
                    emitted += self.projector.project(self.conn, one, source_ts_ms)
            except Exception as exc:  # noqa: BLE001 - dead-letter it, go on
                if not self.policy.is_poison(exc):
                    raise
                raw = {"aggregate": aggregate, "entity_id": entity_id}
                self._dead_letter(None, exc, raw)
        return emitted

    def _dead_letter(self, table: str | None, exc: Exception, raw: dict[str, Any]) -> None:
        log.error("dead letter (%s): %s", table or "projection", exc)
        database.add_dead_letter(
            self.conn, self.source.name, table, f"{type(exc).__name__}: {exc}", raw
        )
        self.lag.dead_letters_total.inc()
