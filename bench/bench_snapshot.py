"""Snapshot rate vs a raw copy of the same rows (plain SELECT → Postgres COPY), same run.

Starts MariaDB and Postgres through the engine manager in their own home on free ports, seeds
a store with the legacy generator, then copies the captured tables twice into fresh Postgres
databases: once raw (one SELECT per table, COPY into the mirror tables), once with sync's
snapshot (consistent snapshot, chunked by primary key, progress checkpoints). Prints both rates
and their ratio (goal ≥ 0.7); the full snapshot time (copy + projection of every aggregate) is
printed too.

    uv run python bench/bench_snapshot.py [--products 10000] [--port-base N] [--home DIR]

--port-base N puts MariaDB and Postgres on N and N+1 instead of ephemeral ports. To compare
with an earlier sync on the same machine, run it again with that tree's members first on
PYTHONPATH (see `bench_sync_lag.py --baseline`).
"""

from __future__ import annotations

import argparse
import socket
import time
from pathlib import Path

import psycopg

from ficus_devstack import StackSettings, build_stack
from ficus_legacy.mysql import connect
from ficus_standin.generator import SeedSpec, generate
from ficus_sync import bootstrap, mariadb
from ficus_sync.core.shape import TableShape, qualified
from ficus_sync.settings import SyncSettings

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def raw_copy(settings: SyncSettings, shapes: dict[str, TableShape]) -> tuple[int, float]:
    """Plain SELECT * per table → COPY into the (empty) mirror tables."""
    params = mariadb.MysqlParams.from_url(settings.mysql_url)
    rows = 0
    with (
        psycopg.connect(settings.postgres_url, autocommit=True) as pg,
        mariadb.connection(params) as my,
    ):
        started = time.perf_counter()
        for shape in shapes.values():
            columns = ", ".join(f"`{c}`" for c in shape.column_names)
            with my.cursor() as cur:
                cur.execute(f"SELECT {columns} FROM `{shape.name}`")
                data = cur.fetchall()
            names = ", ".join(f'"{c}"' for c in shape.column_names)
            sql = f"COPY {qualified(shape.name)} ({names}) FROM STDIN"
            with pg.transaction(), pg.cursor() as pcur, pcur.copy(sql) as copy:  # type: ignore[arg-type]
                for row in data:
                    copy.write_row(row)
            rows += len(data)
        return rows, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--port-base", type=int, help="ports N and N+1 (not ephemeral)")
    parser.add_argument("--home", type=Path, default=ROOT / ".ficus" / "bench-snapshot")
    args = parser.parse_args()
    base = args.port_base
    stack_settings = StackSettings(home=args.home,
                                   mariadb_port=base or free_port(),
                                   postgres_port=base + 1 if base else free_port())  # fmt: skip
    stack = build_stack(stack_settings)
    stack.reset()
    stack.up()
    try:
        conn = connect(stack_settings.mariadb_url)
        try:
            generate(conn, SeedSpec(args.products, 10, 10, seed=42))
        finally:
            conn.close()
        results = {}
        for name in ("raw", "snapshot"):
            stack.postgres.ensure_database(f"bench_{name}")
            settings = SyncSettings(
                mysql_url=stack_settings.mariadb_url,
                postgres_url=stack_settings.postgres_url(f"bench_{name}"),
            )
            components = bootstrap.build(settings)
            try:
                if name == "raw":
                    results[name] = raw_copy(settings, components.mirror.shapes)
                else:
                    snap = components.snapshotter().initial()
                    results[name] = (snap.rows, snap.copy_seconds)
                    total = snap.seconds
                    events = snap.events
            finally:
                components.close()
    finally:
        stack.down()
    raw_rows, raw_s = results["raw"]
    snap_rows, snap_s = results["snapshot"]
    raw_rate, snap_rate = raw_rows / raw_s, snap_rows / snap_s
    print(f"raw copy:  {raw_rows} rows in {raw_s:.2f}s = {raw_rate:,.0f} rows/s")
    print(f"snapshot:  {snap_rows} rows in {snap_s:.2f}s = {snap_rate:,.0f} rows/s (copy phase)")
    print(f"snapshot incl. projection of {events} aggregates: {total:.2f}s")
    print(f"snapshot/raw rate ratio: {snap_rate / raw_rate:.2f} (copy phase)")
    print(f"end to end (copy + projection) / raw: {snap_rows / total / raw_rate:.2f} (goal >= 0.7)")


if __name__ == "__main__":
    main()
