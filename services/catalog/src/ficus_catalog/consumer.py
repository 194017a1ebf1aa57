"""The event-apply consumer: sync's `domain_event` rows after the checkpoint → the catalog
database, in batches. Each batch is one catalog transaction holding every effect, the dead
letters and the new checkpoint, so a crash neither loses nor repeats an effect.

Order of side effects: lock the checkpoint row → dead-letter the invalid events → apply the
rest → move the checkpoint → commit → only then count metrics.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from ficus_catalog.applying import (
    AGGREGATES,
    Outcome,
    Prepared,
    apply_event,
    apply_events,
    parse_event,
    prepare,
)
from ficus_catalog.errors import CheckpointMoved, InvalidEvent, SourceUnavailable
from ficus_catalog.metrics import CatalogMetrics
from ficus_catalog.source import EventSource
from ficus_catalog.tables import ConsumerCheckpoint, DeadLetter
from ficus_contracts.gap import GapGuard

log = logging.getLogger(__name__)

BatchApply = Callable[[Session, Sequence[Prepared]], list[Outcome]]
_DEAD_LETTER_ERRORS = (InvalidEvent, sa_exc.IntegrityError, sa_exc.DataError)
_STOP_SLICE = 0.2  # seconds: how long stop() may wait for the loop
_RETRYABLE = (SourceUnavailable, CheckpointMoved, sa_exc.OperationalError, sa_exc.InterfaceError)


@dataclass(frozen=True)
class Handled:
    seq: int
    aggregate: str
    outcome: Outcome
    source_ts_ms: int | None


def _json_safe(row: dict[str, Any]) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, uuid.UUID) else v for k, v in row.items()}


class BatchApplier:
    """Applies a batch of source rows in one catalog transaction, with the checkpoint.

    The checkpoint row is locked first, so two replicas sharing a consumer name never apply
    the same batch. A database error in the fast batch path rolls back to a savepoint and the
    batch is replayed event by event, each in its own savepoint, to dead-letter the culprit.
    """

    def __init__(
        self, sessions: sessionmaker[Session], consumer: str, applier: BatchApply = apply_events
    ) -> None:
        self._sessions = sessions
        self._consumer = consumer
        self._applier = applier

    def checkpoint(self) -> int:
        with self._sessions() as session:
            stmt = select(ConsumerCheckpoint.last_seq).where(
                ConsumerCheckpoint.consumer == self._consumer
            )
            return session.execute(stmt).scalar_one_or_none() or 0

    def apply_batch(self, rows: list[dict[str, Any]], after_seq: int) -> list[Handled]:
        with self._sessions.begin() as session:
            self._lock_checkpoint(session, after_seq)
            handled = self._apply_all(session, rows)
            self._save_checkpoint(session, int(rows[-1]["seq"]))
        return handled

    def _lock_checkpoint(self, session: Session, expected: int) -> None:
        session.execute(
            insert(ConsumerCheckpoint)
            .values(consumer=self._consumer, last_seq=0)
            .on_conflict_do_nothing(index_elements=[ConsumerCheckpoint.consumer])
        )
        stmt = (
            select(ConsumerCheckpoint.last_seq)
            .where(ConsumerCheckpoint.consumer == self._consumer)
            .with_for_update()
        )
        current = session.execute(stmt).scalar_one()
        if current != expected:
            raise CheckpointMoved(f"checkpoint is {current}, expected {expected}")

    def _apply_all(self, session: Session, rows: list[dict[str, Any]]) -> list[Handled]:
        outcomes: dict[int, Outcome] = {}
        ready: list[tuple[int, Prepared]] = []
        for index, row in enumerate(rows):
            if row.get("aggregate") not in AGGREGATES:
                outcomes[index] = Outcome.IGNORED
                continue
            try:
                ready.append((index, prepare(parse_event(row))))
            except InvalidEvent as exc:
                self._dead_letter(session, row, exc)
                outcomes[index] = Outcome.DEAD_LETTER
        try:
            with session.begin_nested():
                applied = self._applier(session, [p for _, p in ready])
        except _DEAD_LETTER_ERRORS:
            applied = [self._apply_alone(session, rows[i], p) for i, p in ready]
        outcomes.update({i: outcome for (i, _), outcome in zip(ready, applied, strict=True)})
        return [
            Handled(
                int(row["seq"]), str(row.get("aggregate")), outcomes[i], row.get("source_ts_ms")
            )
            for i, row in enumerate(rows)
        ]

    def _apply_alone(self, session: Session, row: dict[str, Any], prepared: Prepared) -> Outcome:
        try:
            with session.begin_nested():
                return apply_event(session, prepared.event)
        except _DEAD_LETTER_ERRORS as exc:
            self._dead_letter(session, row, exc)
            return Outcome.DEAD_LETTER

    def _dead_letter(self, session: Session, row: dict[str, Any], exc: Exception) -> None:
        log.warning("dead letter seq=%s: %s", row.get("seq"), exc)
        version = row.get("version")
        session.add(
            DeadLetter(
                consumer=self._consumer,
                seq=int(row["seq"]),
                aggregate=row.get("aggregate"),
                aggregate_id=None if row.get("aggregate_id") is None else str(row["aggregate_id"]),
                version=version if isinstance(version, int) else None,
                event=_json_safe(row),
                error=f"{type(exc).__name__}: {exc}",
            )
        )
        session.flush()

    def _save_checkpoint(self, session: Session, seq: int) -> None:
        stmt = insert(ConsumerCheckpoint).values(consumer=self._consumer, last_seq=seq)
        stmt = stmt.on_conflict_do_update(
            index_elements=[ConsumerCheckpoint.consumer],
            set_={"last_seq": seq, "updated_at": stmt.excluded.updated_at},
        )
        session.execute(stmt)


class Consumer:
    """LISTEN-woken, poll-backed loop in a thread of its own; `drain()` is the unit of work."""

    def __init__(
        self,
        source: EventSource,
        batch: BatchApplier,
        metrics: CatalogMetrics,
        *,
        batch_size: int = 500,
        poll_interval: float = 1.0,
        gap_grace: float = 0.5,
    ) -> None:
        self._source = source
        self._batch = batch
        self._metrics = metrics
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._gaps = GapGuard(gap_grace)
        self._last: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.healthy = False
        self.last_error: str | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and self.healthy

    def drain(self) -> int:
        """Apply every available event; returns how many rows were handled."""
        if self._last is None:
            self._last = self._batch.checkpoint()
        total = 0
        while True:
            rows = self._gaps.admit(
                self._last, self._source.fetch_after(self._last, self._batch_size)
            )
            if not rows:
                return total
            try:
                handled = self._batch.apply_batch(rows, self._last)
            except Exception:
                self._last = None  # re-read the committed checkpoint on the next attempt
                raise
            self._last = int(rows[-1]["seq"])
            self._record(handled)
            total += len(rows)

    def _record(self, handled: list[Handled]) -> None:
        now = time.time()
        for item in handled:
            self._metrics.events.labels(item.aggregate, item.outcome.value).inc()
            if item.source_ts_ms is not None:
                self._metrics.apply_lag.observe(max(0.0, now - item.source_ts_ms / 1000))
        self._metrics.checkpoint.set(self._last or 0)

    def update_lag(self) -> None:
        last = self._last or 0
        head, _ = self._source.head()
        if head < last:
            log.warning(
                "event source ends at seq %d, before checkpoint %d: was sync's database reset?",
                head,
                last,
            )
        self._metrics.lag_events.set(max(0, head - last))
        oldest = self._source.oldest_after(last) if head > last else None
        lag = 0.0 if oldest is None else max(0.0, time.time() - oldest / 1000)
        self._metrics.lag_seconds.set(lag)

    def run(self) -> None:
        backoff = 0.1
        while not self._stop.is_set():
            try:
                self.drain()
                self.update_lag()
                self.healthy, self.last_error = True, None
                backoff = 0.1
                timeout = self._poll_interval / 10 if self._gaps.holding else self._poll_interval
                self._wait(timeout)
            except Exception as exc:
                self.healthy, self.last_error = False, f"{type(exc).__name__}: {exc}"
                self._metrics.consumer_errors.inc()
                if isinstance(exc, _RETRYABLE):
                    log.warning("consumer: %s; retrying in %.1fs", exc, backoff)
                else:
                    log.exception("consumer: unexpected failure; retrying in %.1fs", backoff)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)

    def _wait(self, timeout: float) -> None:
        """Wait for a NOTIFY in short slices, so that `stop()` is honoured quickly."""
        deadline = time.monotonic() + timeout
        while not self._stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._source.wait(min(remaining, _STOP_SLICE)):
                return

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self.run, name="catalog-consumer", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._source.close()
