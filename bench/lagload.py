"""What the sync lag benchmarks share: a sustained price-update load on MariaDB whose new prices
encode the transaction's number, and a listener on sync's `domain_event` that turns each event
back into (now - commit time of that transaction).

The load commits one transaction every 20 ms holding rate x 20 ms row changes, each on a
distinct product; the price written is `run * 10 000 000 + tick * 1000 + i`, so an event's
price names its run, tick and row. Only events of this run count, each (tick, row) once: an
event carrying a price written by an earlier run (the Kafka path re-projecting a product while
Debezium's snapshot of another table still flows, after the embedded run wrote the prices) is
`foreign`, a second event for the same (tick, row) is a `duplicate` (re-delivery).
"""

from __future__ import annotations

import itertools
import os
import random
import socket
import statistics
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import psycopg
from mixedload import Mixed

from ficus_legacy.mysql import connect
from ficus_standin.generator import SeedSpec, generate

TICK = 0.02
RUN = 10_000_000  # price = run * RUN + tick * 1000 + i
_runs = itertools.count(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Store:
    price_id: int
    products: list[int]


def seed_store(mariadb_url: str, products: int) -> Store:
    """A generated store; returns the price attribute and the products that have a price."""
    conn = connect(mariadb_url)
    generate(conn, SeedSpec(products, 10, 10, seed=42))
    with conn.cursor() as cur:
        cur.execute("SELECT attribute_id FROM eav_attribute WHERE attribute_code = 'price'"
                    " AND entity_type_id = 4")  # fmt: skip
        price_id = int(cur.fetchone()[0])
        cur.execute("SELECT DISTINCT entity_id FROM catalog_product_entity_decimal"
                    " WHERE attribute_id = %s AND store_id = 0", (price_id,))  # fmt: skip
        ids = [int(r[0]) for r in cur.fetchall()]
    conn.close()
    return Store(price_id, ids)


Key = tuple[int, int]  # (tick, row in tick)


@dataclass
class Load:
    """What one run wrote: each tick's commit time and which product each (tick, row) set."""

    run: int = field(default_factory=lambda: next(_runs))
    commits: dict[int, float] = field(default_factory=dict)
    writes: dict[Key, int] = field(default_factory=dict)
    others: int = 0  # the mixed load's other product changes (new, stock, deletes)

    def price(self, tick: int, i: int) -> int:
        return self.run * RUN + tick * 1000 + i

    def decode(self, price: str | None) -> tuple[int, Key] | None:
        """(run, (tick, row)) of a price the load wrote; None for any other price."""
        if price is None:
            return None
        value = int(Decimal(price))
        run, rest = divmod(value, RUN)
        return (run, divmod(rest, 1000)) if run else None

    def accounted(self, seen: set[Key]) -> tuple[int, int]:
        """(coalesced, missing): changes without an event of their own whose product has a
        later change seen (one event stood for both), and changes lost."""
        last_seen: dict[int, Key] = {}
        for key in seen:
            product = self.writes.get(key)
            if product is not None and key > last_seen.get(product, (-1, -1)):
                last_seen[product] = key
        coalesced = missing = 0
        for key, product in self.writes.items():
            if key in seen:
                continue
            if key < last_seen.get(product, (-1, -1)):
                coalesced += 1
            else:
                missing += 1
        return coalesced, missing


class Listener(threading.Thread):
    """Reads new domain events on each NOTIFY and records their lag."""

    def __init__(self, url: str, load: Load) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.load = load
        self.lags: list[float] = []
        self.seen: set[Key] = set()
        self.duplicates = 0
        self.foreign = 0
        self.stop = threading.Event()
        self.ready = threading.Event()

    def run(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            last = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM domain_event").fetchone()[0]  # type: ignore[index]
            conn.execute("LISTEN ficus_domain_event")
            self.ready.set()
            while not self.stop.is_set():
                for _ in conn.notifies(timeout=0.2, stop_after=1):
                    pass
                rows = conn.execute(
                    "SELECT seq, payload->'attributes'->'0'->>'price' FROM domain_event "
                    "WHERE seq > %s ORDER BY seq",
                    (last,),
                ).fetchall()
                now = time.time()
                for seq, price in rows:
                    last = seq
                    self.record(price, now)

    def record(self, price: str | None, now: float) -> None:
        decoded = self.load.decode(price)
        if decoded is None:
            return
        run, key = decoded
        if run != self.load.run:
            self.foreign += 1
        elif key in self.seen:
            self.duplicates += 1
        elif key[0] in self.load.commits:
            self.seen.add(key)
            self.lags.append(now - self.load.commits[key[0]])


PER_ROW = (
    "UPDATE catalog_product_entity_decimal SET value = %s WHERE entity_id = %s "
    "AND attribute_id = %s AND store_id = 0"
)
# pymysql sends executemany of an INSERT … VALUES as one statement: one row event per tick
MULTI_ROW = (
    "INSERT INTO catalog_product_entity_decimal (value, entity_id, attribute_id, store_id) "
    "VALUES (%s, %s, %s, 0) ON DUPLICATE KEY UPDATE value = VALUES(value)"
)


def load(
    url: str,
    store: Store,
    rate: int,
    seconds: float,
    run: Load,
    mixed: bool = False,
    multirow: bool = False,
) -> None:
    """Sustain `rate` product changes/s for `seconds`, recording each tick's commit time.
    Price updates take products round-robin from a shuffled list, so one product changes
    again only after all others did (a tick never repeats a product); `mixed` adds new
    products, stock decrements and deletes (bench/mixedload.py) to each tick; `multirow`
    writes a tick's prices in one statement (a load generator of one connection reaches
    higher rates; the binlog then holds one row event per tick, not one per change)."""
    per_tick = max(1, round(rate * TICK))
    conn = connect(url)
    order = list(store.products)
    random.Random(42).shuffle(order)  # the same order every run: stock products stay apart
    stocked = order[len(order) * 4 // 5 :] if mixed else []  # never price-updated: an event
    order = order[: len(order) - len(stocked)]  # of theirs never repeats a timed price
    cursor = 0
    start = time.perf_counter()
    tick = 0
    with conn.cursor() as cur:
        others = Mixed(cur, stocked, run.run) if mixed else None
        prices = others.prices(per_tick) if others else per_tick
        while time.perf_counter() - start < seconds:
            tick += 1
            chosen = [order[(cursor + i) % len(order)] for i in range(prices)]
            cursor += prices
            cur.executemany(
                MULTI_ROW if multirow else PER_ROW,
                [(run.price(tick, i), p, store.price_id) for i, p in enumerate(chosen)],
            )
            if others is not None:
                run.others += others.tick(cur, per_tick)
            conn.commit()
            run.commits[tick] = time.time()
            run.writes.update(((tick, i), p) for i, p in enumerate(chosen))
            delay = start + tick * TICK - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
    conn.close()


@dataclass(frozen=True)
class Measured:
    engine: str
    rate: int
    achieved: float
    expected: int
    lags: list[float]
    cpu: float | None  # share of one core used by the sync process
    cpu_seconds: float | None = None  # CPU the sync process used for this run
    changes: int = 0  # product changes made (price updates = expected, plus mixed ones)
    coalesced: int = 0
    missing: int = 0
    duplicates: int = 0
    foreign: int = 0

    @property
    def us_per_change(self) -> float | None:
        if self.cpu_seconds is None or not self.changes:
            return None
        return self.cpu_seconds / self.changes * 1e6

    def line(self) -> str:
        head = f"{self.engine:8} {self.rate:5} changes/s (achieved {self.achieved:.0f})"
        if not self.lags:
            return f"{head}: no events seen"
        cpu = f", sync CPU {self.cpu:.0%}" if self.cpu is not None else ""
        if self.us_per_change is not None:
            cpu += f" = {self.us_per_change:.0f} µs/change"
        return (
            f"{head}: {len(self.lags)}/{self.expected} events (+{self.coalesced} coalesced, "
            f"{self.missing} missing, {self.duplicates} duplicate, {self.foreign} foreign), "
            f"lag p50 {percentile(self.lags, 0.5) * 1000:.0f} ms, "
            f"p99 {percentile(self.lags, 0.99) * 1000:.0f} ms, "
            f"max {max(self.lags) * 1000:.0f} ms, mean {statistics.mean(self.lags) * 1000:.0f} ms"
            f"{cpu}"
        )


def measure(
    engine: str,
    mariadb_url: str,
    pg_url: str,
    store: Store,
    rate: int,
    seconds: float,
    sync_pid: int | None = None,
    quiet_seconds: float = 3.0,
    mixed: bool = False,
    multirow: bool = False,
) -> Measured:
    """One load run at `rate`; waits until no new event came for `quiet_seconds` (max 30 s)."""
    run = Load()
    listener = Listener(pg_url, run)
    listener.start()
    listener.ready.wait(10)
    cpu_before = cpu_seconds(sync_pid) if sync_pid else 0.0
    started = time.perf_counter()
    load(mariadb_url, store, rate, seconds, run, mixed, multirow)
    loaded = time.perf_counter() - started
    expected = len(run.writes)
    changes = expected + run.others
    drained, seen = time.monotonic(), -1
    while time.monotonic() - drained < 30 and len(listener.lags) != seen:
        seen = len(listener.lags)
        time.sleep(quiet_seconds)
    listener.stop.set()
    listener.join()
    used = cpu = None
    if sync_pid:
        used = cpu_seconds(sync_pid) - cpu_before
        cpu = used / (time.perf_counter() - started)
    coalesced, missing = run.accounted(listener.seen)
    return Measured(engine, rate, changes / loaded, expected, listener.lags, cpu, used, changes,
                    coalesced, missing, listener.duplicates, listener.foreign)  # fmt: skip
