"""What the sync lag benchmarks share: a sustained price-update load on MariaDB whose new prices
encode the transaction's number, and a listener on sync's `domain_event` that turns each event
back into (now - commit time of that transaction).

The load commits one transaction every 20 ms holding rate x 20 ms row changes, each on a
distinct product; the price written is `tick * 1000 + i`, so an event's price names its tick.
"""

from __future__ import annotations

import os
import random
import socket
import statistics
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import psycopg

from ficus_legacy.mysql import connect
from ficus_standin.generator import SeedSpec, generate

TICK = 0.02


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


class Listener(threading.Thread):
    """Reads new domain events on each NOTIFY and records their lag."""

    def __init__(self, url: str, commits: dict[int, float]) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.commits = commits
        self.lags: list[float] = []
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
                    tick = int(Decimal(price)) // 1000 if price else -1
                    if tick in self.commits:
                        self.lags.append(now - self.commits[tick])


def load(url: str, store: Store, rate: int, seconds: float, commits: dict[int, float]) -> None:
    """Sustain `rate` row changes/s for `seconds`, recording each tick's commit time."""
    per_tick = max(1, round(rate * TICK))
    conn = connect(url)
    rng = random.Random(rate)
    start = time.perf_counter()
    tick = 0
    with conn.cursor() as cur:
        while time.perf_counter() - start < seconds:
            tick += 1
            chosen = rng.sample(store.products, per_tick)
            cur.executemany(
                "UPDATE catalog_product_entity_decimal SET value = %s WHERE entity_id = %s "
                "AND attribute_id = %s AND store_id = 0",
                [(tick * 1000 + i, p, store.price_id) for i, p in enumerate(chosen)],
            )
            conn.commit()
            commits[tick] = time.time()
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

    def line(self) -> str:
        head = f"{self.engine:8} {self.rate:5} changes/s (achieved {self.achieved:.0f})"
        if not self.lags:
            return f"{head}: no events seen"
        cpu = f", sync CPU {self.cpu:.0%}" if self.cpu is not None else ""
        return (
            f"{head}: {len(self.lags)}/{self.expected} events, "
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
) -> Measured:
    """One load run at `rate`; waits until no new event came for `quiet_seconds` (max 30 s)."""
    commits: dict[int, float] = {}
    listener = Listener(pg_url, commits)
    listener.start()
    listener.ready.wait(10)
    cpu_before = cpu_seconds(sync_pid) if sync_pid else 0.0
    started = time.perf_counter()
    load(mariadb_url, store, rate, seconds, commits)
    loaded = time.perf_counter() - started
    expected = len(commits) * max(1, round(rate * TICK))
    drained, seen = time.monotonic(), -1
    while time.monotonic() - drained < 30 and len(listener.lags) != seen:
        seen = len(listener.lags)
        time.sleep(quiet_seconds)
    listener.stop.set()
    listener.join()
    cpu = None
    if sync_pid:
        cpu = (cpu_seconds(sync_pid) - cpu_before) / (time.perf_counter() - started)
    return Measured(engine, rate, expected / loaded, expected, listener.lags, cpu)
