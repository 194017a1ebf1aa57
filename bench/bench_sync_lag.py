"""End-to-end sync lag (MariaDB commit -> domain event committed in sync's Postgres) at
sustained 500 and 2 000 row changes/s, on the embedded path and on the Kafka path IN THE SAME
RUN (same machine, same store, same load), then the Kafka path's figures as a ratio of the
embedded ones; also the Kafka stack's start-up time (broker + Connect to healthy).

    uv run python bench/bench_sync_lag.py [--seconds 10] [--rates 500 2000]
                                          [--engines embedded kafka] [--products 3000]
                                          [--capacity] [--mixed] [--pin] [--multirow]
                                          [--profile DIR] [--baseline DIR] [--port-base N]

--capacity ramps the rate per path until p99 crosses 250 ms (bench/capacity.py); --mixed adds
new products, stock decrements and deletes to the price updates (bench/mixedload.py); --pin
puts sync on its own core; --profile runs py-spy on sync (bench/profile_stages.py).
--baseline DIR runs the embedded path twice IN THE SAME RUN, on the same store: first sync as
the tree in DIR has it (`git worktree add DIR <commit>`; its members' src/ go first on
PYTHONPATH, into database ficus_sync_before), then this tree's, and prints per rate the CPU
µs per change after / before. --port-base N takes the engines' and sync's ports from N, N+1, …
instead of ephemeral ones.

Starts MariaDB and Postgres through the engine manager in their own home
(.ficus/bench-sync-lag) on free ports and seeds a store. Embedded: `python -m ficus_sync run`
(binlog reader) into database ficus_sync, load at each rate, stop it. Kafka: a KRaft broker and
a Connect worker, `python -m ficus_sync run` with FICUS_SYNC_ENGINE=kafka (registers the
Debezium connector, consumes its topics) into database ficus_sync_kafka; once Debezium's
snapshot has flowed through (a marker change arrives), the same load at each rate. The load
and the lag listener are in bench/lagload.py. Goal: p99 < 250 ms.

The sync processes inherit the environment (e.g. FICUS_SYNC_ASYNC_COMMIT=true). On a shared
machine the figures swing with the neighbours' load: run it several times.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import capacity
import httpx
import psycopg
from lagload import Measured, Store, free_port, measure, percentile, seed_store

from ficus_devstack import StackSettings, build_stack
from ficus_devstack.connect import ConnectWorker
from ficus_devstack.kafka import KafkaBroker, KafkaSettings
from ficus_devstack.manager import Stack
from ficus_devstack.process import wait_until
from ficus_legacy.mysql import connect

ROOT = Path(__file__).resolve().parent.parent
MARKER = Decimal(987654)


PORTS: list[int] = []  # --port-base: the ports still free to hand out


def next_port() -> int:
    return PORTS.pop(0) if PORTS else free_port()


def baseline_path(tree: Path) -> str:
    """PYTHONPATH putting every workspace member's src/ of `tree` first."""
    sources = sorted(tree.glob("*/src")) + sorted(tree.glob("services/*/src"))
    return os.pathsep.join(str(path) for path in sources)


def start_sync(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    sync = subprocess.Popen([sys.executable, "-m", "ficus_sync", "run"], env=env)

    def healthy() -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    if not wait_until(healthy, 300, interval=0.5):
        sync.kill()
        raise SystemExit("sync did not become healthy in 300 s")
    return sync


def stop_sync(sync: subprocess.Popen[bytes]) -> None:
    sync.send_signal(signal.SIGTERM)
    try:
        sync.wait(timeout=20)
    except subprocess.TimeoutExpired:
        sync.kill()
        sync.wait()


def profiled(
    args: argparse.Namespace, engine: str, rate: int, pid: int
) -> subprocess.Popen[bytes] | None:
    """With --profile DIR: py-spy samples the sync process (on-CPU only) while the load runs,
    into DIR/<engine>-<rate>.txt (collapsed stacks; `bench/profile_stages.py` sums them)."""
    if not args.profile:
        return None
    args.profile.mkdir(parents=True, exist_ok=True)
    out = args.profile / f"{engine}-{rate}.txt"
    command = ["py-spy", "record", "--pid", str(pid), "--format", "raw", "--rate", "200",
               "--duration", str(int(args.seconds)), "--output", str(out)]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.DEVNULL)


def measured(
    args: argparse.Namespace, engine: str, urls: tuple[str, str], store: Store, pid: int
) -> list[Measured]:
    if args.pin:
        capacity.pin(pid)

    def one(rate: int) -> Measured:
        spy = profiled(args, engine, rate, pid)
        result = measure(engine, urls[0], urls[1], store, rate, args.seconds, pid,
                         mixed=args.mixed, multirow=args.multirow)  # fmt: skip
        if spy is not None:
            spy.wait()
        print(result.line(), flush=True)
        return result

    if args.capacity:
        return capacity.ramp(one)
    return [one(rate) for rate in args.rates]


def wait_marker(mariadb_url: str, pg_url: str, store: Store, timeout: float) -> bool:
    """A fresh change reaches domain_event (on the Kafka path: once Debezium's snapshot has
    flowed through)."""
    conn = connect(mariadb_url)
    with conn.cursor() as cur:
        cur.execute(
            "UPDATE catalog_product_entity_decimal SET value = %s WHERE entity_id = %s "
            "AND attribute_id = %s AND store_id = 0",
            (MARKER, store.products[0], store.price_id),
        )
    conn.commit()
    conn.close()

    def seen() -> bool:
        try:
            with psycopg.connect(pg_url, autocommit=True) as pg:
                row = pg.execute(
                    "SELECT 1 FROM domain_event WHERE "
                    "(payload->'attributes'->'0'->>'price')::numeric = %s LIMIT 1",
                    (MARKER,),
                ).fetchone()
                return row is not None
        except psycopg.Error:
            return False  # sync's schema not there yet

    return wait_until(seen, timeout, interval=0.5) and settled(pg_url, timeout)


def settled(pg_url: str, timeout: float, quiet: float = 3.0) -> bool:
    """No new domain event for `quiet` seconds after the marker (printing how many came):
    whatever sync still applies then (on the Kafka path a repeated snapshot or records a
    restarted connector task re-emits) would otherwise be aged as the load's own changes."""
    first: list[int] = []
    last: list[int] = [-1]
    since = [time.monotonic()]

    def quiet_now() -> bool:
        with psycopg.connect(pg_url, autocommit=True) as pg:
            seq = pg.execute("SELECT COALESCE(MAX(seq), 0) FROM domain_event").fetchone()[0]  # type: ignore[index]
        first[:] = first or [int(seq)]
        if seq != last[0]:
            last[0], since[0] = int(seq), time.monotonic()
        return time.monotonic() - since[0] >= quiet

    done = wait_until(quiet_now, timeout, interval=0.5)
    print(f"settled: {last[0] - first[0]} events after the marker", flush=True)
    return done


def run_embedded(
    stack: Stack, store: Store, args: argparse.Namespace, before: bool = False
) -> list[Measured]:
    """The embedded path; `before`: sync as the --baseline tree has it, in its own database."""
    s = stack.settings
    database, engine = ("ficus_sync_before", "before") if before else ("ficus_sync", "embedded")
    stack.postgres.ensure_database(database)
    pg_url, port = s.postgres_url(database), next_port()
    env = dict(os.environ, FICUS_SYNC_MYSQL_URL=s.mariadb_url, FICUS_SYNC_POSTGRES_URL=pg_url,
               FICUS_SYNC_PORT=str(port))  # fmt: skip
    if before:
        env["PYTHONPATH"] = baseline_path(args.baseline)
    sync = start_sync(env, port)
    try:
        if not wait_marker(s.mariadb_url, pg_url, store, 120):
            raise SystemExit(f"{engine}: no change reached domain_event within 120 s")
        return measured(args, engine, (s.mariadb_url, pg_url), store, sync.pid)
    finally:
        stop_sync(sync)


def before_after(results: list[Measured]) -> list[str]:
    """Per rate: CPU µs per change of this tree / of the --baseline tree (same run)."""
    lines = []
    by = {(r.engine, r.rate): r for r in results}
    for rate in sorted({r.rate for r in results}):
        old, new = by.get(("before", rate)), by.get(("embedded", rate))
        if old and new and old.us_per_change and new.us_per_change:
            lines.append(
                f"{rate} changes/s: CPU {old.us_per_change:.0f} -> {new.us_per_change:.0f} "
                f"µs/change = {new.us_per_change / old.us_per_change:.2f}x (same run)"
            )
    return lines


def run_kafka(stack: Stack, store: Store, args: argparse.Namespace) -> list[Measured]:
    s = stack.settings
    kafka = KafkaSettings(port=next_port(), controller_port=next_port(),
                          connect_port=next_port(), jars_dir=ROOT / ".ficus" / "jars")  # fmt: skip
    broker, worker = KafkaBroker(s, kafka), ConnectWorker(s, kafka)
    for engine in (worker, broker):
        engine.stop()
        engine.wipe()
    kafka.jar_cache().ensure()
    sync = None
    try:
        times = {}
        for engine in (broker, worker):
            started = time.monotonic()
            engine.start()
            times[engine.name] = time.monotonic() - started
        print(f"kafka start-up: broker {times[broker.name]:.1f}s + Connect "
              f"{times[worker.name]:.1f}s = {sum(times.values()):.1f}s to healthy")  # fmt: skip
        stack.postgres.ensure_database("ficus_sync_kafka")
        pg_url, port = s.postgres_url("ficus_sync_kafka"), next_port()
        env = dict(
            os.environ,
            FICUS_SYNC_ENGINE="kafka",
            FICUS_SYNC_MYSQL_URL=s.mariadb_url,
            FICUS_SYNC_POSTGRES_URL=pg_url,
            FICUS_SYNC_PORT=str(port),
            FICUS_SYNC_KAFKA_BOOTSTRAP_SERVERS=broker.bootstrap_servers,
            FICUS_SYNC_KAFKA_CONNECT_URL=worker.url,
            FICUS_SYNC_KAFKA_MARIADB_HOST=s.host,
            FICUS_SYNC_KAFKA_MARIADB_PORT=str(s.mariadb_port),
            FICUS_SYNC_KAFKA_MARIADB_DATABASE=s.mariadb_database,
            FICUS_SYNC_KAFKA_MARIADB_ADMIN_USER=s.mariadb_user,
            FICUS_SYNC_KAFKA_MARIADB_ADMIN_PASSWORD=s.mariadb_password,
        )
        started = time.monotonic()
        sync = start_sync(env, port)
        if not wait_marker(s.mariadb_url, pg_url, store, 150):
            raise SystemExit("kafka: no change reached domain_event within 150 s")
        print(f"kafka: snapshot + first change through in {time.monotonic() - started:.1f}s")
        return measured(args, "kafka", (s.mariadb_url, pg_url), store, sync.pid)
    finally:
        if sync is not None:
            stop_sync(sync)
        worker.stop()
        broker.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rates", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--products", type=int, default=3000)
    parser.add_argument("--engines", nargs="+", choices=["embedded", "kafka"],
                        default=["embedded", "kafka"])  # fmt: skip
    parser.add_argument("--profile", type=Path, help="py-spy each run into this directory")
    parser.add_argument("--capacity", action="store_true", help="ramp until p99 > 250 ms")
    parser.add_argument("--mixed", action="store_true",
                        help="prices + new products (30 EAV rows) + stock + deletes")  # fmt: skip
    parser.add_argument("--pin", action="store_true", help="sync on its own core")
    parser.add_argument("--multirow", action="store_true",
                        help="one multi-row statement per tick (faster load)")  # fmt: skip
    parser.add_argument("--baseline", type=Path, help="an earlier tree: its sync runs first")
    parser.add_argument("--port-base", type=int, help="ports N, N+1, … (not ephemeral)")
    parser.add_argument("--home", type=Path, default=ROOT / ".ficus" / "bench-sync-lag")
    args = parser.parse_args()
    if args.port_base:
        PORTS[:] = range(args.port_base, args.port_base + 10)
    # SIGTERM (a CI timeout, kill) unwinds through the `finally`s: no engine left running
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    settings = StackSettings(home=args.home, mariadb_port=next_port(),
                             postgres_port=next_port())  # fmt: skip
    stack = build_stack(settings)
    stack.reset()
    stack.up()
    try:
        admin = stack.mariadb.admin_connection()
        with admin.cursor() as cur:
            cur.execute("SET GLOBAL binlog_row_metadata = 'FULL'")
        admin.close()
        store = seed_store(settings.mariadb_url, args.products)
        results: list[Measured] = []
        runners = {"embedded": run_embedded, "kafka": run_kafka}
        if args.baseline:
            results += run_embedded(stack, store, args, before=True)
        for engine in args.engines:
            results += runners[engine](stack, store, args)
        by = {(r.engine, r.rate): r for r in results if r.lags}
        for rate in sorted({r.rate for r in results}):
            embedded, kafka = by.get(("embedded", rate)), by.get(("kafka", rate))
            if embedded and kafka:
                ratio = percentile(kafka.lags, 0.99) / percentile(embedded.lags, 0.99)
                print(f"{rate} changes/s: kafka p99 / embedded p99 = {ratio:.1f}x (same run)")
        if args.capacity:
            print("\n".join(capacity.summary(results)))
        print("\n".join(before_after(results)))
    finally:
        stack.down()


if __name__ == "__main__":
    main()
