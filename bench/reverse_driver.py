"""Reverse sync alone, before/after: outbox rows into a real service database, the reverse
worker (`python -m ficus_sync reverse run`) of one or more source trees applying them to a real
Magento schema; throughput and CPU per row of the worker and of MariaDB.

    uv run --with py-spy python bench/reverse_driver.py [--rows 3000] [--customers 500]
        [--trees A B ...] [--batches default 1 50] [--rate 200] [--profile DIR]

Each tree gets a fresh Magento and service database on the same engines (own home
.ficus/bench-r2, own ports), so the runs differ only in the code. The worker of a tree runs
with PYTHONPATH = that tree's member sources (this venv's dependencies). Backlog mode (no
--rate): `--rows` upserts over `--customers` customers (the first row of each creates it,
the others change its firstname) are written in one transaction; rows/s = rows /
(last applied_at - first applied_at). Rate mode: rows written at `--rate`/s with the worker
running; lag = Magento's applied_at - the outbox row's created_at (same clock), p50/p99.
The worker is started (its id pools filled) before the first row: its start-up is not counted.
CPU = utime+stime (/proc) of the worker and of mariadbd over the run, per row. `--profile`
records py-spy (collapsed stacks) of each worker into DIR.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pymysql
from psycopg.types.json import Jsonb

from ficus_contracts.customers import CustomerState
from ficus_contracts.reverse import OUTBOX_DDL
from ficus_devstack import Stack, StackSettings, build_stack
from ficus_legacy.schema import install

ROOT = Path(__file__).resolve().parent.parent
MEMBERS = ("contracts", "legacy-adapter", "sync", "feed", "devstack", "standin")
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def mariadb_pid(home: Path) -> int:
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmd = (proc / "cmdline").read_bytes()
            except OSError:
                continue
            if b"mariadbd" in cmd and str(home).encode() in cmd:
                return int(proc.name)
    raise SystemExit("mariadbd of the bench home not found")


def customer(entity_id: int, n: int) -> dict[str, Any]:
    state = CustomerState.model_validate({
        "entity_id": entity_id, "website_id": 1, "email": f"c{entity_id}@example.com",
        "created_at": "2026-01-01 10:00:00", "updated_at": "2026-01-01 10:00:00",
        "firstname": f"v{n}", "lastname": "Lee", "store_id": 1, "group_id": 1,
    })  # fmt: skip
    return state.model_dump(mode="json")


class Databases:
    """A fresh Magento database and service database for one tree."""

    def __init__(self, stack: Stack) -> None:
        s, name = stack.settings, f"r2_{uuid.uuid4().hex[:8]}"
        with stack.mariadb.admin_connection() as conn, conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        self.mysql_url = (f"mysql://{s.mariadb_user}:{s.mariadb_password}@{s.host}:"
                          f"{s.mariadb_port}/{name}")  # fmt: skip
        stack.postgres.ensure_database(name)
        self.pg_url = stack.settings.postgres_url(name)
        self.my = pymysql.connect(
            host=s.host, port=s.mariadb_port, user=s.mariadb_user,
            password=s.mariadb_password, database=name, autocommit=True,
        )  # fmt: skip
        install(self.my)
        self.my.commit()
        self.pg = psycopg.connect(self.pg_url, autocommit=True)
        self.pg.execute(OUTBOX_DDL)  # type: ignore[arg-type]
        self.written: dict[int, dict[str, Any]] = {}

    def write(self, entity_id: int, n: int) -> None:
        state, base = customer(entity_id, n), self.written.get(entity_id)
        self.pg.execute(
            "INSERT INTO outbox (aggregate, entity_id, kind, payload, base, hlc, service_version)"
            " VALUES ('customer', %s, 'upserted', %s, %s, %s, 1)",
            (entity_id, Jsonb(state), None if base is None else Jsonb(base),
             int(time.time() * 1000) << 16),
        )  # fmt: skip
        self.written[entity_id] = state

    def ready(self) -> bool:
        try:
            with self.my.cursor() as cur:
                cur.execute("SELECT count(*) FROM ficus_id_block WHERE handed_at IS NOT NULL")
                return int(cur.fetchone()[0]) >= 2
        except pymysql.err.ProgrammingError:  # the worker has not created it yet
            return False

    def pending(self) -> int:
        return int(self.pg.execute("SELECT count(*) FROM outbox WHERE acked_at IS NULL")
                   .fetchone()[0])  # type: ignore[index]  # fmt: skip

    def applied_span(self) -> tuple[int, float]:
        with self.my.cursor() as cur:
            cur.execute("SELECT count(*), TIMESTAMPDIFF(MICROSECOND, min(applied_at),"
                        " max(applied_at)) / 1e6 FROM ficus_reverse_log")  # fmt: skip
            count, span = cur.fetchone()
        return int(count), float(span or 0)

    def lags(self) -> list[float]:
        created = dict(self.pg.execute(
            "SELECT id, extract(epoch FROM created_at) FROM outbox").fetchall())  # fmt: skip
        with self.my.cursor() as cur:
            cur.execute("SELECT outbox_id, UNIX_TIMESTAMP(applied_at) FROM ficus_reverse_log")
            return sorted(float(at) - float(created[oid]) for oid, at in cur.fetchall())


class Worker:
    """`python -m ficus_sync reverse run` of one tree, on the given databases."""

    def __init__(self, tree: Path, db: Databases, log: Path, apply_batch: int | None) -> None:
        env = {**os.environ, "FICUS_SYNC_MYSQL_URL": db.mysql_url,
               "FICUS_SYNC_REVERSE_CUSTOMER_DATABASE_URL": db.pg_url,
               "FICUS_SYNC_REVERSE_POOL_LOW": "1", "FICUS_SYNC_REVERSE_POOL_BLOCK": "10",
               "PYTHONPATH": os.pathsep.join(str(tree / m / "src") for m in MEMBERS)}  # fmt: skip
        if apply_batch is not None:
            env["FICUS_SYNC_REVERSE_APPLY_BATCH"] = str(apply_batch)
        with log.open("wb") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "ficus_sync", "reverse", "run"],
                                         env=env, stdout=out, stderr=subprocess.STDOUT)  # fmt: skip

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


def profile(pid: int, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(["py-spy", "record", "--pid", str(pid), "--format", "raw",
                             "--rate", "200", "--output", str(out), "--nonblocking"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)  # fmt: skip


def wait_until(check: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        time.sleep(0.05)


def run_tree(stack: Stack, tree: Path, args: argparse.Namespace, batch: int | None) -> str:
    db, maria = Databases(stack), mariadb_pid(stack.settings.home)
    plan = [(1_000_000 + i % args.customers, i) for i in range(args.rows)]
    worker = Worker(tree, db, Path(f"/tmp/r2-worker-{tree.name}-{batch}.log"), batch)
    wait_until(db.ready, 60)  # started, imported, id pools handed: only applying is measured
    out = args.profile / f"{tree.name}-{batch}.txt" if args.profile else None
    spy = profile(worker.proc.pid, out) if out else None
    cpu0, maria0 = cpu_seconds(worker.proc.pid), cpu_seconds(maria)
    if args.rate is None:
        with db.pg.transaction():  # the backlog appears at once
            for entity_id, n in plan:
                db.write(entity_id, n)
        db.pg.execute("NOTIFY ficus_outbox_customer")
    else:
        start = time.monotonic()
        for k, (entity_id, n) in enumerate(plan):
            time.sleep(max(0.0, k / args.rate - (time.monotonic() - start)))
            db.write(entity_id, n)
            db.pg.execute("NOTIFY ficus_outbox_customer")
    wait_until(lambda: db.pending() == 0, 600)
    cpu, mcpu = cpu_seconds(worker.proc.pid) - cpu0, cpu_seconds(maria) - maria0
    if spy is not None:
        spy.send_signal(signal.SIGINT)
        spy.wait(timeout=20)
    worker.stop()
    count, span = db.applied_span()
    lags = db.lags()
    p = lambda q: lags[min(len(lags) - 1, int(q * len(lags)))] * 1000  # noqa: E731
    rate = count / max(span, 1e-9)
    return (f"{tree.name:<14} batch={batch!s:<5} rows={count} rows/s={rate:7.0f}"
            f" sync_cpu_ms/row={cpu * 1000 / count:5.2f}"
            f" mariadb_cpu_ms/row={mcpu * 1000 / count:5.2f}"
            f" lag_p50={p(0.5):7.0f}ms lag_p99={p(0.99):7.0f}ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--rate", type=float, default=None)
    parser.add_argument("--trees", type=Path, nargs="+", default=[ROOT])
    parser.add_argument("--batches", nargs="+", default=["default"],
                        help="apply batch sizes for trees that have the setting")  # fmt: skip
    parser.add_argument("--profile", type=Path, default=None)
    args = parser.parse_args()
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    stack = build_stack(StackSettings(home=ROOT / ".ficus" / "bench-r2", mariadb_port=31611,
                                      postgres_port=31612))  # fmt: skip
    stack.reset()
    stack.up()
    try:
        for tree in args.trees:
            batches = [None if b == "default" else int(b) for b in args.batches]
            for batch in batches if (tree / "sync").exists() else [None]:
                print(run_tree(stack, tree, args, batch), flush=True)
    finally:
        stack.down()


if __name__ == "__main__":
    main()
