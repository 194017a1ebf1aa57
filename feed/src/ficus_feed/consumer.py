"""The consumer loop: LISTEN-woken, poll-backed, in a thread of its own; `drain()` is the unit
of work. Order per batch: fetch after the checkpoint → hold back rows behind a hole in `seq`
(`GapGuard`) → apply the batch in one transaction with the checkpoint → commit → metrics →
`on_commit`. Failures are counted and retried with exponential backoff (0.1 s … 5 s).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import psycopg
from sqlalchemy import exc as sa_exc

from ficus_contracts.gap import GapGuard
from ficus_feed.core import Handled, lag_seconds
from ficus_feed.errors import CheckpointMoved, SourceUnavailable
from ficus_feed.metrics import FeedMetrics
from ficus_feed.ports import Applier, EventSource

log = logging.getLogger(__name__)

_STOP_SLICE = 0.2  # seconds: how long stop() may wait for the loop
# Expected failures (logged without a traceback): the source or the database is away.
_RETRYABLE = (
    SourceUnavailable,
    CheckpointMoved,
    psycopg.OperationalError,
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
)


class Consumer:
    """Feeds `source` rows to `applier` (a `BatchApplier`) and keeps the metrics.

    `on_commit` runs after each committed batch with what it handled (an indexer's wake-up,
    a cache's expiry).
    """

    def __init__(
        self,
        source: EventSource,
        applier: Applier,
        metrics: FeedMetrics,
        *,
        batch_size: int = 500,
        poll_interval: float = 1.0,
        gap_grace: float = 0.5,
        on_commit: Callable[[list[Handled]], None] | None = None,
        name: str = "feed-consumer",
    ) -> None:
        self.source = source
        self.applier = applier
        self.metrics = metrics
        self.on_commit = on_commit
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._gaps = GapGuard(gap_grace)
        self._name = name
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
            self._last = self.applier.checkpoint()
        total = 0
        while rows := self._gaps.admit(
            self._last, self.source.fetch_after(self._last, self._batch_size)
        ):
            try:
                handled = self.applier.apply_batch(rows, self._last)
            except CheckpointMoved:
                # Another replica applied these events first (its batch held the checkpoint
                # row): contention, not a failure. Carry on after its checkpoint at once.
                self._last = self.applier.checkpoint()
                continue
            except Exception:
                self._last = None  # re-read the committed checkpoint on the next attempt
                raise
            self._last = int(rows[-1]["seq"])
            self.metrics.committed(handled, self._last, time.time())
            if self.on_commit is not None:
                self.on_commit(handled)
            total += len(rows)
        return total

    def update_lag(self) -> None:
        last = self._last or 0
        head = self.source.head()
        if head < last:
            log.warning(
                "event source ends at seq %d, before checkpoint %d: was sync's database reset?",
                head,
                last,
            )
        self.metrics.lag_events.set(max(0, head - last))
        if self.metrics.lag_seconds is not None:
            oldest = self.source.oldest_after(last) if head > last else None
            self.metrics.lag_seconds.set(lag_seconds(oldest, time.time()))

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
                self._failed(exc, backoff)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)

    def _failed(self, exc: Exception, backoff: float) -> None:
        self.healthy, self.last_error = False, f"{type(exc).__name__}: {exc}"
        self.metrics.errors.inc()
        if isinstance(exc, _RETRYABLE):
            log.warning("%s: %s; retrying in %.1fs", self._name, exc, backoff)
        else:
            log.exception("%s: unexpected failure; retrying in %.1fs", self._name, backoff)

    def _wait(self, timeout: float) -> None:
        """Wait for a NOTIFY in short slices, so that `stop()` is honoured quickly."""
        deadline = time.monotonic() + timeout
        while not self._stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.source.wait(min(remaining, _STOP_SLICE)):
                return

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self.run, name=self._name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self.source.close()
