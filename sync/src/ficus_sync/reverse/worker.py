"""The reverse worker of one domain: the service's outbox → Magento, exactly once.

A session (reconnected with backoff after any transient failure):
1. create the Ficus-owned tables in Magento (`ledger.ensure`), measure the clock offset;
2. each round: hand reserved id blocks to the service's pool and top it up (low watermark);
   read the pending outbox rows; acknowledge those the reverse log already has (applied before
   a crash, the ack lost); apply the others `apply_batch` rows (of any customers, outbox order)
   per MySQL transaction (`Magento.apply_batch`) → COMMIT → ack in the service's database
   (acks flushed every 50 ms and at the end of the round). A batch that fails on a poison row
   is rolled back and applied again row by row, one transaction each: exactly the poison row
   is logged dead (the reverse DLQ) and acknowledged, the others applied; the stream goes on;
3. sleep on the outbox's NOTIFY channel (or poll every `poll_seconds`) when idle.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pymysql

from ficus_contracts.reverse import OutboxRow
from ficus_legacy import mysql
from ficus_legacy.types import Connection
from ficus_sync.database import TRANSIENT
from ficus_sync.errors import SourceUnavailable
from ficus_sync.reverse import ledger
from ficus_sync.reverse.errors import PoisonRow, ReverseError
from ficus_sync.reverse.magento import Fault, Magento, Outcome
from ficus_sync.reverse.outbox import Outbox, Wakeup, connect
from ficus_sync.reverse.status import ReverseStatus
from ficus_sync.settings import SyncSettings

log = logging.getLogger(__name__)

POOL_TABLES = ("customer_entity", "customer_address_entity")
OFFSET_EVERY_SECONDS = 60.0
ACK_EVERY_SECONDS = 0.05


@dataclass(frozen=True)
class ReverseConfig:
    domain: str
    service_url: str  # the service's Postgres database (outbox, id pool)
    mysql_url: str  # Magento's database
    batch: int = 200  # outbox rows read per round
    apply_batch: int = 50  # outbox rows applied per MySQL transaction
    pool_low: int = 50
    pool_block: int = 200
    poll_seconds: float = 0.5
    backoff_max_seconds: float = 5.0
    fault: str | None = None  # test hook "<point>:<n>": SIGKILL at the n-th <point>

    @classmethod
    def from_settings(cls, settings: SyncSettings, domain: str) -> ReverseConfig:
        """The domain's worker as sync's settings configure it (its service database set)."""
        url = settings.reverse_databases().get(domain)
        if url is None:
            variable = f"FICUS_SYNC_REVERSE_{domain.upper()}_DATABASE_URL"
            raise ReverseError(f"no reverse sync for {domain!r}: set {variable}")
        return cls(
            domain, url, settings.mysql_url, batch=settings.reverse_batch,
            apply_batch=settings.reverse_apply_batch,
            pool_low=settings.reverse_pool_low, pool_block=settings.reverse_pool_block,
            poll_seconds=settings.reverse_poll_seconds,
            backoff_max_seconds=settings.backoff_max_seconds, fault=settings.reverse_fault,
        )  # fmt: skip


def fault_hook(spec: str | None) -> Fault:
    """`before_commit:3` → kill -9 of this process the 3rd time the worker reaches that point."""
    if not spec:
        return lambda _point: None
    point, _, nth = spec.partition(":")
    seen = [0]

    def hit(reached: str) -> None:
        if reached == point:
            seen[0] += 1
            if seen[0] >= int(nth or 1):
                os.kill(os.getpid(), signal.SIGKILL)

    return hit


class ReverseWorker:
    """Runs one domain's reverse sync until stopped (a `bootstrap.Worker`)."""

    def __init__(self, config: ReverseConfig, status: ReverseStatus) -> None:
        self.config = config
        self.status = status
        self.fault = fault_hook(config.fault)

    def run(self, stop: threading.Event) -> None:
        """Sessions until `stop`; any failure (a database away, or a bug: forward sync must
        go on regardless) ends the session, is reported as `last_error` and retried with
        exponential backoff."""
        backoff = 0.2
        while not stop.is_set():
            try:
                self._session(stop)
            except Exception as exc:  # noqa: BLE001 - reported in /v1/reverse/health, retried
                self.status.running(self.config.domain, False, str(exc))
                if not isinstance(exc, TRANSIENT):
                    log.exception("reverse %s failed", self.config.domain)
                log.warning("reverse %s: %s; retrying in %.1fs", self.config.domain, exc, backoff)
                stop.wait(backoff)
                backoff = min(backoff * 2, self.config.backoff_max_seconds)
            else:
                backoff = 0.2
        self.status.running(self.config.domain, False)

    def _session(self, stop: threading.Event) -> None:
        with Session.open(self.config, self.fault) as session:
            self.status.running(self.config.domain, True)
            while not stop.is_set():
                self._top_up(session)
                busy = self._round(session)
                self.status.observed(self.config.domain, session.outbox.backlog(), session.dlq())
                if not busy:
                    session.wakeup.wait(self.config.poll_seconds)

    def _top_up(self, session: Session) -> None:
        """Keep the id pool filled; a failure there (other than a database away) is reported
        but does not stop the outbox: the service answers 503 only once its pool is empty."""
        try:
            session.top_up_pool()
        except TRANSIENT:
            raise
        except Exception as exc:  # noqa: BLE001 - reported in /v1/reverse/health
            log.exception("reverse %s: topping up the id pool failed", self.config.domain)
            self.status.running(self.config.domain, True, f"id pool: {exc}")

    def _round(self, session: Session) -> bool:
        rows = session.outbox.pending(self.config.batch)
        done = ledger.logged(session.magento.conn, self.config.domain, [r.id for r in rows])
        session.outbox.ack(sorted(done))  # applied before a crash: acknowledged, not re-applied
        acks = _Acks(session.outbox)
        todo = [row for row in rows if row.id not in done]
        size = max(1, self.config.apply_batch)
        for start in range(0, len(todo), size):
            batch = todo[start : start + size]
            self._apply_batch(session, batch)
            acks.add(*(row.id for row in batch))
        acks.flush()
        return len(rows) >= self.config.batch

    def _apply_batch(self, session: Session, batch: list[OutboxRow]) -> None:
        if len(batch) == 1:
            self._apply(session, batch[0])
            return
        try:
            outcomes = session.magento.apply_batch(batch, session.offset_ms())
        except PoisonRow as exc:  # rolled back: find the bad row, one transaction per row
            log.warning("reverse %s: a batch of %d failed (%s); row by row",
                        self.config.domain, len(batch), exc)  # fmt: skip
            for row in batch:
                self._apply(session, row)
        else:
            for outcome in outcomes:
                self._count(outcome)

    def _apply(self, session: Session, row: OutboxRow) -> None:
        try:
            outcome = session.magento.apply(row, session.offset_ms())
        except PoisonRow as exc:
            log.error("reverse %s: outbox row %d is dead: %s", self.config.domain, row.id, exc)
            session.magento.bury(row, str(exc))
            self.status.dead_total.labels(self.config.domain).inc()
            self.status.running(self.config.domain, True, f"outbox row {row.id}: {exc}")
        else:
            self._count(outcome)

    def _count(self, outcome: Outcome) -> None:
        if outcome.status != "duplicate":
            self.status.applied_total.labels(self.config.domain).inc()
        for conflict in outcome.conflicts:
            self.status.conflicts_total.labels(self.config.domain, conflict.policy).inc()


class _Acks:
    """Acknowledgements in the service's database, a few per commit there: every acked row is
    in Magento's log already (a crash before the flush only leaves rows to re-ack)."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox, self.since = outbox, time.monotonic()
        self.ids: list[int] = []

    def add(self, *outbox_ids: int) -> None:
        self.ids.extend(outbox_ids)
        if time.monotonic() - self.since >= ACK_EVERY_SECONDS:
            self.flush()

    def flush(self) -> None:
        self.outbox.ack(self.ids)
        self.ids, self.since = [], time.monotonic()


class Session:
    """The connections of one worker session and what it measured."""

    def __init__(self, config: ReverseConfig, magento: Magento, outbox: Outbox, wakeup: Wakeup):
        self.config, self.magento, self.outbox, self.wakeup = config, magento, outbox, wakeup
        self._offset = (0.0, -OFFSET_EVERY_SECONDS)

    @classmethod
    @contextlib.contextmanager
    def open(cls, config: ReverseConfig, fault: Fault) -> Iterator[Session]:
        with contextlib.ExitStack() as stack:
            my = mysql_connection(config.mysql_url)
            stack.callback(_quietly, my.close)
            pg = connect(config.service_url)
            stack.callback(_quietly, pg.close)
            wakeup = Wakeup(config.service_url, config.domain)
            stack.callback(_quietly, wakeup.close)
            ledger.ensure(my)
            outbox = Outbox(pg, config.domain)
            outbox.ensure()
            yield cls(config, Magento(my, config.domain, fault), outbox, wakeup)

    def offset_ms(self) -> float:
        """Magento's clock minus ours, measured again every minute."""
        value, at = self._offset
        if time.monotonic() - at >= OFFSET_EVERY_SECONDS:
            self._offset = (self.magento.clock_offset_ms(), time.monotonic())
        return self._offset[0]

    def dlq(self) -> int:
        return ledger.dead_count(self.magento.conn, self.config.domain)

    def top_up_pool(self) -> None:
        """Hand blocks reserved earlier (a crash may have left one), then reserve more for
        every pool below its low watermark."""
        for block_id, table, ids in ledger.unhanded_blocks(self.magento.conn):
            self.outbox.hand_block(block_id, table, ids)
            ledger.mark_handed(self.magento.conn, block_id)
        for table in POOL_TABLES:
            if self.outbox.pool_size(table) < self.config.pool_low:
                block, ids = self.magento.reserve(table, self.config.pool_block)
                self.outbox.hand_block(block, table, ids)
                ledger.mark_handed(self.magento.conn, block)


def mysql_connection(url: str) -> Connection:
    """Magento's database, autocommit on: each apply opens its own transaction."""
    try:
        conn = mysql.connect(url)
    except pymysql.err.MySQLError as exc:
        raise SourceUnavailable(f"MariaDB: {exc}") from exc
    conn.autocommit(True)
    return conn


def _quietly(close: Callable[[], object]) -> None:
    with contextlib.suppress(Exception):
        close()
