"""End-to-end sync lag (MariaDB commit → domain event committed in sync's Postgres) at a
sustained 500 and 2 000 row changes/s; prints p50/p99 (goal p99 < 250 ms).

Starts MariaDB and Postgres through the engine manager in their own home on free ports, seeds a
store, runs `python -m ficus_sync run` as a separate process, then updates product prices at
the target rate (one transaction every 20 ms holding rate × 20 ms row changes, each on a
distinct product, the new price encoding the transaction's number). A listener on
`ficus_domain_event` reads each new event and takes now − commit time of the price it carries.

    uv run python bench/bench_sync_lag.py [--seconds 10] [--rates 500 2000]

The sync process inherits the environment: e.g. FICUS_SYNC_ASYNC_COMMIT=true measures it with
`synchronous_commit = off`. On a shared machine the figures swing with the neighbours' load:
run it several times, interleaved with whatever you compare it to.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import httpx
import psycopg

from ficus_control.stack import StackSettings, build_stack
from ficus_legacy.cli import connect
from ficus_legacy.generator import SeedSpec, generate

ROOT = Path(__file__).resolve().parent.parent
TICK = 0.02


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
            last = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM domain_event").fetchone()[0]
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


def load(
    url: str,
    products: list[int],
    price_id: int,
    rate: int,
    seconds: float,
    commits: dict[int, float],
) -> None:
    """Sustain `rate` row changes/s for `seconds`, recording each tick's commit time."""
    per_tick = max(1, round(rate * TICK))
    conn = connect(url)
    rng = random.Random(rate)
    start = time.perf_counter()
    tick = 0
    with conn.cursor() as cur:
        while time.perf_counter() - start < seconds:
            tick += 1
            chosen = rng.sample(products, per_tick)
            cur.executemany(
                "UPDATE catalog_product_entity_decimal SET value = %s WHERE entity_id = %s "
                "AND attribute_id = %s AND store_id = 0",
                [(tick * 1000 + i, p, price_id) for i, p in enumerate(chosen)],
            )
            conn.commit()
            commits[tick] = time.time()
            delay = start + tick * TICK - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
    conn.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rates", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--products", type=int, default=3000)
    args = parser.parse_args()
    stack_settings = StackSettings(home=ROOT / ".ficus" / "bench-sync-lag",
                                   mariadb_port=free_port(), postgres_port=free_port())  # fmt: skip
    stack = build_stack(stack_settings)
    stack.reset()
    stack.up()
    sync = None
    try:
        admin = stack.mariadb.admin_connection()
        with admin.cursor() as cur:
            cur.execute("SET GLOBAL binlog_row_metadata = 'FULL'")
        conn = connect(stack_settings.mariadb_url)
        generate(conn, SeedSpec(args.products, 10, 10, seed=42))
        with conn.cursor() as cur:
            cur.execute("SELECT attribute_id FROM eav_attribute WHERE attribute_code = 'price'"
                        " AND entity_type_id = 4")  # fmt: skip
            price_id = int(cur.fetchone()[0])
            cur.execute("SELECT DISTINCT entity_id FROM catalog_product_entity_decimal"
                        " WHERE attribute_id = %s AND store_id = 0", (price_id,))  # fmt: skip
            products = [int(r[0]) for r in cur.fetchall()]
        conn.close()
        pg_url = stack_settings.postgres_url("ficus_sync")
        port = free_port()
        env = dict(os.environ, FICUS_SYNC_MYSQL_URL=stack_settings.mariadb_url,
                   FICUS_SYNC_POSTGRES_URL=pg_url, FICUS_SYNC_PORT=str(port))  # fmt: skip
        sync = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ficus_sync",
                *os.environ.get("BENCH_SYNC_ARGS", "").split(),
                "run",
            ],
            env=env,
        )
        deadline = time.time() + 300
        while time.time() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        for rate in args.rates:
            commits: dict[int, float] = {}
            listener = Listener(pg_url, commits)
            listener.start()
            listener.ready.wait(10)
            cpu_before, started = cpu_seconds(sync.pid), time.perf_counter()
            load(stack_settings.mariadb_url, products, price_id, rate, args.seconds, commits)
            achieved = len(commits) * max(1, round(rate * TICK)) / (time.perf_counter() - started)
            time.sleep(2)  # let the tail drain before stopping the listener
            listener.stop.set()
            listener.join()
            busy = (cpu_seconds(sync.pid) - cpu_before) / (time.perf_counter() - started)
            print(f"load: {achieved:.0f} row changes/s achieved; sync process CPU {busy:.0%}")
            lags = listener.lags
            if not lags:
                print(f"{rate} row changes/s: no events seen")
                continue
            print(f"{rate} row changes/s for {args.seconds:.0f}s: {len(lags)} events, "
                  f"lag p50 {percentile(lags, 0.5) * 1000:.0f} ms, "
                  f"p99 {percentile(lags, 0.99) * 1000:.0f} ms, "
                  f"max {max(lags) * 1000:.0f} ms, "
                  f"mean {statistics.mean(lags) * 1000:.0f} ms")  # fmt: skip
    finally:
        if sync is not None:
            sync.send_signal(signal.SIGTERM)
            sync.wait(timeout=20)
        stack.down()


if __name__ == "__main__":
    main()
