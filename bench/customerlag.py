"""What bench_customers measures between the two systems: reverse sync (a service write ->
Magento, from the outbox and Magento's ficus_reverse_log) and forward sync (direct SQL in
Magento -> the customer service's row). Both sides are read on the databases themselves
(autocommit pollers every 10 ms), on one machine, so one clock."""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC
from typing import Any

import psycopg
import pymysql

from ficus_devstack import StackSettings
from ficus_devstack.process import wait_until

TICK = 0.02
POLL = 0.01
UPDATE = (
    "UPDATE customer_entity SET lastname = %s, updated_at = UTC_TIMESTAMP() WHERE entity_id = %s"
)
_runs = itertools.count(1)


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def magento(s: StackSettings) -> pymysql.connections.Connection[Any]:
    return pymysql.connect(host=s.host, port=s.mariadb_port, user=s.mariadb_user,
                           password=s.mariadb_password, database=s.mariadb_database,
                           autocommit=True)  # fmt: skip


def mysql(s: StackSettings, sql: str, *args: object) -> list[Any]:
    conn = magento(s)
    try:
        with conn.cursor() as cur:
            cur.execute(sql, args or None)
            return list(cur.fetchall())
    finally:
        conn.close()


def pg(s: StackSettings, sql: str, *args: object, database: str = "ficus_customer") -> list[Any]:
    with psycopg.connect(s.postgres_url(database), autocommit=True) as conn:
        return list(conn.execute(sql, args or None).fetchall())


@dataclass(frozen=True)
class Reverse:
    """The reverse sync of a run's writes."""

    applied: list[float]  # applied_at - created_at, ms, per outbox row
    seen: list[float]  # committed row seen by the poller - created_at, ms
    per_second: float  # rows applied per second, first to last applied_at


class ReverseLog:
    """Polls Magento's ficus_reverse_log and notes when each outbox row shows committed."""

    def __init__(self, settings: StackSettings) -> None:
        self.settings, self.conn = settings, magento(settings)
        self.seen: dict[int, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._poll, daemon=True)
        self.outbox = pg(settings, "SELECT COALESCE(max(id), 0) FROM outbox")[0][0]
        self.last = mysql(settings, "SELECT COALESCE(MAX(id), 0) FROM ficus_reverse_log")[0][0]

    def _poll(self) -> None:
        last = int(self.last)
        while not self.stop.wait(POLL):
            with self.conn.cursor() as cur:
                cur.execute("SELECT id, outbox_id FROM ficus_reverse_log WHERE id > %s", (last,))
                rows = cur.fetchall()
            now = time.time()
            for row_id, outbox_id in rows:
                self.seen.setdefault(int(outbox_id), now)
                last = max(last, int(row_id))

    @contextmanager
    def running(self) -> Iterator[ReverseLog]:
        self.thread.start()
        try:
            yield self
        finally:
            self.stop.set()
            self.thread.join()
            self.conn.close()

    def lags(self) -> Reverse:
        """Per outbox row written since the start: applied_at and seen, minus created_at (ms);
        the rows applied per second from the first to the last applied_at."""
        created = dict(pg(self.settings,
            "SELECT id, extract(epoch FROM created_at)::float8 FROM outbox WHERE id > %s",
            self.outbox))  # fmt: skip
        applied = mysql(self.settings,
            "SELECT outbox_id, applied_at FROM ficus_reverse_log WHERE domain = 'customer' "
            "AND outbox_id > %s AND status = 'applied'", self.outbox)  # fmt: skip
        times = {int(i): at.replace(tzinfo=UTC).timestamp() for i, at in applied}
        reverse = [(at - created[i]) * 1000 for i, at in times.items() if i in created]
        visible = [(self.seen[i] - created[i]) * 1000 for i in created if i in self.seen]
        span = max(times.values(), default=0) - min(times.values(), default=0)
        return Reverse(reverse, visible, len(times) / span if span > 0 else float("nan"))


@dataclass(frozen=True)
class ForwardRun:
    """Direct SQL changes in Magento -> the service's customer rows."""

    lags: list[float]  # ms, per change applied in the service (itself or a later one)
    written: int
    itself: int  # changes whose own value the poller saw


def forward_run(s: StackSettings, ids: list[int], rate: int, seconds: float) -> ForwardRun:
    """The customers' lastname changed by direct SQL (one transaction each tick holding
    rate x tick changes), while a poller of the service's database notes when each value shows;
    returns once the service holds every customer's last value (or after 120 s)."""
    committed: dict[str, float] = {}
    seen: dict[str, float] = {}
    stop = threading.Event()
    poller = threading.Thread(target=_poll_service, args=(s, ids, seen, stop), daemon=True)
    poller.start()
    try:
        _write_ticks(s, ids, rate, seconds, committed)
        last = {name.split("c")[-1]: name for name in committed}  # the last value of each
        wait_until(lambda: set(last.values()) <= set(seen), 120, interval=0.1)
    finally:
        stop.set()
        poller.join()
    itself = sum(1 for name in committed if name in seen)
    return ForwardRun(applied_lags(committed, seen), len(committed), itself)


def applied_lags(committed: dict[str, float], seen: dict[str, float]) -> list[float]:
    """Per change (ms): until the service first held its value or a later one of the same
    customer (forward sync folds a customer's changes within a batch into one event)."""
    by_customer: dict[str, list[str]] = {}
    for name in committed:
        by_customer.setdefault(name.split("c")[-1], []).append(name)
    lags = []
    for names in by_customer.values():
        soonest = math.inf
        for name in reversed(names):
            soonest = min(soonest, seen.get(name, math.inf))
            if soonest < math.inf:
                lags.append((soonest - committed[name]) * 1000)
    return lags


def _write_ticks(
    s: StackSettings, ids: list[int], rate: int, seconds: float, committed: dict[str, float]
) -> None:
    conn, run, per_tick = magento(s), next(_runs), max(1, round(rate * TICK))
    conn.autocommit(False)
    start, n = time.monotonic(), 0
    try:
        for tick in range(int(seconds / TICK)):
            time.sleep(max(0.0, start + tick * TICK - time.monotonic()))  # the load's pace
            names = []
            with conn.cursor() as cur:
                for _ in range(per_tick):
                    entity_id, n = ids[n % len(ids)], n + 1
                    names.append(f"Fwd{run}t{tick}n{n}c{entity_id}")
                    cur.execute(UPDATE, (names[-1], entity_id))
            conn.commit()
            committed.update(dict.fromkeys(names, time.time()))
    finally:
        conn.close()


def _poll_service(
    s: StackSettings, ids: list[int], seen: dict[str, float], stop: threading.Event
) -> None:
    with psycopg.connect(s.postgres_url("ficus_customer"), autocommit=True) as conn:
        while not stop.wait(POLL):
            rows = conn.execute(
                "SELECT state->>'lastname' FROM customer WHERE entity_id = ANY(%s)", (ids,)
            ).fetchall()
            now = time.time()
            for (name,) in rows:
                seen.setdefault(name, now)
