"""End-to-end sync lag on the Kafka path (MariaDB commit → Debezium → Kafka → sync → domain
event committed in sync's Postgres) at a sustained 500 and 2 000 row changes/s; prints p50/p99
and the stack's start-up time (broker + Connect to healthy).

Starts MariaDB, Postgres, a KRaft broker and a Connect worker through the engine manager in
their own home (.ficus/bench-kafka-lag) on free ports, seeds a small store, runs
`python -m ficus_sync run` with FICUS_SYNC_ENGINE=kafka (which registers the Debezium connector
and consumes its topics), waits for Debezium's initial snapshot to have flowed through, then
updates product prices at the target rate exactly as bench/bench_sync_lag.py does (one
transaction every 20 ms holding rate × 20 ms row changes on distinct products, the new price
encoding the transaction's number). A listener on `ficus_domain_event` takes now − commit time
of the price each new event carries.

    uv run python bench/bench_kafka_lag.py [--seconds 10] [--rates 500 2000]

On a shared 2-core machine the figures swing with the neighbours' load: run it several times.
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
from ficus_control.stack.connect import ConnectWorker
from ficus_control.stack.kafka import KafkaBroker, KafkaSettings
from ficus_control.stack.process import wait_until
from ficus_legacy.cli import connect
from ficus_legacy.generator import SeedSpec, generate
from ficus_sync.connect import ConnectClient
from ficus_sync.kafka import runner
from ficus_sync.kafka.connector import connector_config
from ficus_sync.kafka.settings import KafkaPathSettings

ROOT = Path(__file__).resolve().parent.parent
TICK = 0.02
MARKER = Decimal(987654)


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


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def wait_marker(
    mariadb_url: str,
    pg_url: str,
    product: int,
    price_id: int,
    timeout: float,
    marker: Decimal = MARKER,
) -> bool:
    """Once Debezium's snapshot has flowed through, a fresh change reaches domain_event."""
    conn = connect(mariadb_url)
    with conn.cursor() as cur:
        cur.execute(
            "UPDATE catalog_product_entity_decimal SET value = %s WHERE entity_id = %s "
            "AND attribute_id = %s AND store_id = 0",
            (marker, product, price_id),
        )
    conn.commit()
    conn.close()

    def seen() -> bool:
        try:
            with psycopg.connect(pg_url, autocommit=True) as pg:
                row = pg.execute(
                    "SELECT 1 FROM domain_event WHERE "
                    "(payload->'attributes'->'0'->>'price')::numeric = %s LIMIT 1",
                    (marker,),
                ).fetchone()
                return row is not None
        except psycopg.Error:
            return False  # sync's schema not there yet

    return wait_until(seen, timeout, interval=0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rates", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--products", type=int, default=3000)
    parser.add_argument(
        "--poll-interval-ms",
        type=int,
        default=None,
        help="override Debezium's poll.interval.ms (default: the project's connector config)",
    )
    args = parser.parse_args()
    stack_settings = StackSettings(home=ROOT / ".ficus" / "bench-kafka-lag",
                                   mariadb_port=free_port(), postgres_port=free_port())  # fmt: skip
    kafka_settings = KafkaSettings(
        port=free_port(),
        controller_port=free_port(),
        connect_port=free_port(),
        jars_dir=ROOT / ".ficus" / "jars",
    )
    stack = build_stack(stack_settings)
    broker = KafkaBroker(stack_settings, kafka_settings)
    worker = ConnectWorker(stack_settings, kafka_settings)
    for engine in (worker, broker):
        engine.stop()
        engine.wipe()
    stack.reset()
    stack.up()
    sync = None
    try:
        kafka_settings.jar_cache().ensure()
        times: dict[str, float] = {}
        for engine in (broker, worker):
            started = time.monotonic()
            engine.start()
            times[engine.name] = time.monotonic() - started
        print(f"start-up: broker {times[broker.name]:.1f}s + Connect {times[worker.name]:.1f}s"
              f" = {sum(times.values()):.1f}s to healthy")  # fmt: skip
        admin = stack.mariadb.admin_connection()
        with admin.cursor() as cur:
            cur.execute("SET GLOBAL binlog_row_metadata = 'FULL'")
        admin.close()
        conn = connect(stack_settings.mariadb_url)
        generate(conn, SeedSpec(args.products, 10, 10, seed=42))
        with conn.cursor() as cur:
            cur.execute("SELECT attribute_id FROM eav_attribute WHERE attribute_code = 'price'"
                        " AND entity_type_id = 4")  # fmt: skip
            price_id = int(cur.fetchone()[0])  # type: ignore[index]
            cur.execute("SELECT DISTINCT entity_id FROM catalog_product_entity_decimal"
                        " WHERE attribute_id = %s AND store_id = 0", (price_id,))  # fmt: skip
            products = [int(r[0]) for r in cur.fetchall()]
        conn.close()
        pg_url = stack_settings.postgres_url("ficus_sync")
        port = free_port()
        env = dict(
            os.environ,
            FICUS_SYNC_ENGINE="kafka",
            FICUS_SYNC_MYSQL_URL=stack_settings.mariadb_url,
            FICUS_SYNC_POSTGRES_URL=pg_url,
            FICUS_SYNC_PORT=str(port),
            FICUS_SYNC_KAFKA_BOOTSTRAP_SERVERS=broker.bootstrap_servers,
            FICUS_SYNC_KAFKA_CONNECT_URL=worker.url,
            FICUS_SYNC_KAFKA_MARIADB_HOST=stack_settings.host,
            FICUS_SYNC_KAFKA_MARIADB_PORT=str(stack_settings.mariadb_port),
            FICUS_SYNC_KAFKA_MARIADB_DATABASE=stack_settings.mariadb_database,
            FICUS_SYNC_KAFKA_MARIADB_ADMIN_USER=stack_settings.mariadb_user,
            FICUS_SYNC_KAFKA_MARIADB_ADMIN_PASSWORD=stack_settings.mariadb_password,
        )
        sync = subprocess.Popen([sys.executable, "-m", "ficus_sync", "run"], env=env)

        def healthy() -> bool:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        started = time.monotonic()
        if not wait_until(healthy, 120, interval=0.5):
            raise SystemExit("sync did not become healthy in 120 s")
        if not wait_marker(stack_settings.mariadb_url, pg_url, products[0], price_id, 150):
            raise SystemExit("no change reached domain_event within 150 s (snapshot stuck?)")
        print(f"snapshot + first change through the Kafka path: {time.monotonic() - started:.1f}s")
        if args.poll_interval_ms is not None:
            kafka_path = KafkaPathSettings(
                bootstrap_servers=broker.bootstrap_servers,
                mariadb_host=stack_settings.host,
                mariadb_port=stack_settings.mariadb_port,
                mariadb_database=stack_settings.mariadb_database,
            )
            config = connector_config(runner.connector_spec(kafka_path))
            config["poll.interval.ms"] = str(args.poll_interval_ms)
            with ConnectClient(worker.url) as client:
                client.upsert(kafka_path.connector_name, config)
            marker = MARKER + 1
            if not wait_marker(
                stack_settings.mariadb_url, pg_url, products[0], price_id, 120, marker
            ):
                raise SystemExit("no change went through after re-configuring the connector")
            print(f"connector re-configured with poll.interval.ms={args.poll_interval_ms}")
        for rate in args.rates:
            commits: dict[int, float] = {}
            listener = Listener(pg_url, commits)
            listener.start()
            listener.ready.wait(10)
            started = time.monotonic()
            load(stack_settings.mariadb_url, products[1:], price_id, rate, args.seconds, commits)
            achieved = len(commits) * max(1, round(rate * TICK)) / (time.monotonic() - started)
            expected = len(commits) * max(1, round(rate * TICK))
            drained = time.monotonic()
            seen = -1
            while time.monotonic() - drained < 30 and len(listener.lags) != seen:
                seen = len(listener.lags)  # drained once 3 s pass with no new event
                time.sleep(3)
            listener.stop.set()
            listener.join()
            lags = listener.lags
            kafka_part = (
                httpx.get(f"http://127.0.0.1:{port}/v1/lag", timeout=10).json().get("kafka") or {}
            )
            behind = kafka_part.get("consumer_lag", kafka_part)
            partitions = len(kafka_part.get("partitions", {}))
            print(
                f"after draining, /v1/lag: kafka consumer_lag {behind} over {partitions} partitions"
            )
            print(
                f"load: {achieved:.0f} row changes/s achieved; {len(lags)}/{expected} changes "
                "seen as events (the projector emits one event per product touched in a batch)"
            )
            if not lags:
                print(f"{rate} row changes/s: no events seen")
                continue
            print(f"kafka path, {rate} row changes/s for {args.seconds:.0f}s: {len(lags)} events, "
                  f"lag p50 {percentile(lags, 0.5) * 1000:.0f} ms, "
                  f"p99 {percentile(lags, 0.99) * 1000:.0f} ms, "
                  f"max {max(lags) * 1000:.0f} ms, "
                  f"mean {statistics.mean(lags) * 1000:.0f} ms")  # fmt: skip
    finally:
        if sync is not None:
            sync.send_signal(signal.SIGTERM)
            try:
                sync.wait(timeout=20)
            except subprocess.TimeoutExpired:
                sync.kill()
        worker.stop()
        broker.stop()
        stack.down()


if __name__ == "__main__":
    main()
