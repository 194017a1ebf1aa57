"""The snapshot: copies the captured tables from MariaDB into the mirror, then projects every
aggregate, then sets the streaming checkpoint to the binlog position the copy started from.

Consistency: `START TRANSACTION WITH CONSISTENT SNAPSHOT` and MariaDB's `binlog_snapshot_file`
/ `binlog_snapshot_position` give the exact binlog position of the data read. Chunks (by primary
key) commit with their progress row, so a killed snapshot resumes where it stopped; a resumed
run reads later data, and streaming from the original position replays every change since with
full row images, so the mirror converges with no gap. Projection is hash-deduplicated, so
nothing is emitted twice.

A one-table re-snapshot (`--table`) holds the apply lock exclusively: streaming pauses at a batch
boundary, the table is merged (staging + upsert + delete of vanished rows), then streaming goes
on from its own checkpoint, which is at or before the snapshot's position.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from psycopg.types.json import Jsonb

from ficus_feed.core import DeadLetterPolicy
from ficus_sync import database, mariadb
from ficus_sync.capture.port import Progress, SnapshotResult, no_progress
from ficus_sync.core.envelope import ChangeEvent, Op, to_debezium
from ficus_sync.core.shape import TableShape, qualified
from ficus_sync.core.tables import AGGREGATES
from ficus_sync.errors import SnapshotError
from ficus_sync.mirror import Mirror, PgConn, TouchSet, upsert_sql
from ficus_sync.projector import Projector


class Snapshotter:
    """The embedded engine's `Snapshots`: copies the captured tables from MariaDB itself."""

    def __init__(
        self,
        pg: PgConn,
        params: mariadb.MysqlParams,
        mirror: Mirror,
        projector: Projector,
        source_name: str = "binlog",
        chunk_rows: int = 20_000,
        policy: DeadLetterPolicy = database.DEAD_LETTER_POLICY,
    ) -> None:
        self.pg = pg
        self.policy = policy
        self.params = params
        self.mirror = mirror
        self.projector = projector
        self.source_name = source_name
        self.chunk_rows = chunk_rows

    def needed(self) -> bool:
        """True when streaming has no checkpoint yet or an initial snapshot is unfinished."""
        run = self.pg.execute("SELECT done FROM snapshot_run WHERE id = 1").fetchone()
        if run is not None and not run[0]:
            return True
        return database.load_checkpoint(self.pg, self.source_name) is None

    def initial(self, progress: Progress = no_progress) -> SnapshotResult:
        """Snapshot every captured table (resuming an unfinished run, else starting a fresh
        full one), then project all and move the checkpoint to the snapshot's position."""
        started = time.perf_counter()
        self.pg.execute("SELECT pg_advisory_lock(%s)", (database.APPLY_LOCK,))  # pause streaming
        try:
            with mariadb.connection(self.params) as my:
                position = self._begin(my)
                rows = sum(
                    self._copy_table(my, shape, merge=False, progress=progress)
                    for shape in self.mirror.shapes.values()
                )
            copied = time.perf_counter() - started
            events = self._project_all(position)
        finally:
            self.pg.execute("SELECT pg_advisory_unlock(%s)", (database.APPLY_LOCK,))
        return SnapshotResult(rows, time.perf_counter() - started, position, events, copied)

    def table(self, name: str, progress: Progress = no_progress) -> SnapshotResult:
        """Re-snapshot one table while streaming is paused; checkpoint untouched."""
        shape = self.mirror.shapes.get(name)
        if shape is None:
            raise SnapshotError(f"{name} is not a captured table")
        started = time.perf_counter()
        self.pg.execute("SELECT pg_advisory_lock(%s)", (database.APPLY_LOCK,))
        try:
            with mariadb.connection(self.params) as my:
                position = self._consistent_snapshot(my)
                with self.pg.transaction():
                    self.pg.execute("DELETE FROM snapshot_progress WHERE tbl = %s", (name,))
                rows = self._copy_table(my, shape, merge=True, progress=progress)
            with self.pg.transaction():
                events = self.projector.project(self.pg, TouchSet(everything=True), None)
                if events:
                    database.notify(self.pg)
        finally:
            self.pg.execute("SELECT pg_advisory_unlock(%s)", (database.APPLY_LOCK,))
        return SnapshotResult(rows, time.perf_counter() - started, position, events)

    def _begin(self, my: mariadb.Connection) -> dict[str, Any]:
        run = self.pg.execute("SELECT position, done FROM snapshot_run WHERE id = 1").fetchone()
        if run is not None and not run[1]:
            self._consistent_snapshot(my)
            return dict(run[0])  # resume: stream from the original position
        position = self._consistent_snapshot(my)
        with self.pg.transaction():
            self.pg.execute("DELETE FROM snapshot_run")
            self.pg.execute("DELETE FROM snapshot_progress")
            for shape in self.mirror.shapes.values():
                self.pg.execute(f"TRUNCATE {qualified(shape.name)}")  # type: ignore[arg-type]
            self.pg.execute(
                "INSERT INTO snapshot_run (id, position, tables) VALUES (1, %s, %s)",
                (Jsonb(position), list(self.mirror.shapes)),
            )
        return position

    @staticmethod
    def _consistent_snapshot(my: mariadb.Connection) -> dict[str, Any]:
        with my.cursor() as cur:
            cur.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cur.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT")
            cur.execute("SHOW STATUS LIKE 'binlog_snapshot_%'")
            status = {str(k): str(v) for k, v in cur.fetchall()}
        file, pos = status["Binlog_snapshot_file"], int(status["Binlog_snapshot_position"])
        if not file:
            raise SnapshotError("MariaDB reports no binlog snapshot position (is log_bin on?)")
        return {"file": file, "pos": pos, "gtid": mariadb.gtid_at(my, file, pos)}

    def _copy_table(
        self, my: mariadb.Connection, shape: TableShape, *, merge: bool, progress: Progress
    ) -> int:
        done, last_key, copied = self._progress(shape.name)
        if done:
            return 0
        total = _count(my, shape.name)
        progress(shape.name, copied, total)
        copied_now = 0
        while True:
            rows = _read_chunk(my, shape, last_key, self.chunk_rows)
            final = len(rows) < self.chunk_rows
            next_key = last_key
            if rows:
                next_key = [rows[-1][shape.column_names.index(c)] for c in shape.primary_key]
            try:
                with self.pg.transaction():
                    self._write_chunk(shape, rows, last_key, final, merge)
                    self._save_progress(shape.name, next_key, copied + len(rows), final)
            except Exception as exc:  # noqa: BLE001 - a poison row: isolate it, dead-letter it
                if not self.policy.is_poison(exc):
                    raise
                with self.pg.transaction():
                    good = self._isolate_poison(shape, rows)  # upserts the good rows
                    if merge:  # and drop the range's vanished rows
                        _merge_chunk(self.pg, shape, good, last_key, final)
                    self._save_progress(shape.name, next_key, copied + len(rows), final)
            last_key = next_key
            copied += len(rows)
            copied_now += len(rows)
            progress(shape.name, len(rows), total)
            if final:
                return copied_now

    def _write_chunk(
        self,
        shape: TableShape,
        rows: Sequence[tuple[Any, ...]],
        last_key: list[Any] | None,
        final: bool,
        merge: bool,
    ) -> None:
        if merge:
            _merge_chunk(self.pg, shape, rows, last_key, final)
        else:
            _copy_rows(self.pg, shape, rows)

    def _isolate_poison(
        self, shape: TableShape, rows: Sequence[tuple[Any, ...]]
    ) -> list[tuple[Any, ...]]:
        """Try each row alone (savepoint); dead-letter those Postgres rejects."""
        good: list[tuple[Any, ...]] = []
        sql = upsert_sql(shape, shape.column_names)
        for row in rows:
            try:
                with self.pg.transaction():
                    self.pg.execute(sql, row)  # type: ignore[arg-type]
                good.append(row)
            except Exception as exc:  # noqa: BLE001 - dead-letter it, go on
                if not self.policy.is_poison(exc):
                    raise
                image = dict(zip(shape.column_names, row, strict=True))
                event = ChangeEvent(shape.name, Op.READ, None, image)
                error = f"{type(exc).__name__}: {exc}"
                database.add_dead_letter(self.pg, "snapshot", shape.name, error, to_debezium(event))
        return good

    def _progress(self, table: str) -> tuple[bool, list[Any] | None, int]:
        row = self.pg.execute(
            "SELECT done, last_key, rows FROM snapshot_progress WHERE tbl = %s", (table,)
        ).fetchone()
        return (bool(row[0]), row[1], int(row[2])) if row else (False, None, 0)

    def _save_progress(self, table: str, last_key: list[Any] | None, rows: int, done: bool) -> None:
        self.pg.execute(
            "INSERT INTO snapshot_progress (tbl, last_key, rows, done) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (tbl) DO UPDATE SET last_key = EXCLUDED.last_key, rows = EXCLUDED.rows, "
            "done = EXCLUDED.done",
            (table, Jsonb(last_key), rows, done),
        )

    def _project_all(self, position: dict[str, Any]) -> int:
        everything = sorted(  # store views first, then categories, then products
            self.projector.expand(self.pg, TouchSet(everything=True)),
            key=lambda touch: (AGGREGATES.index(touch[0]), touch[1]),
        )
        events = 0
        for start in range(0, len(everything), 500):
            keys = set(everything[start : start + 500])
            with self.pg.transaction():
                events += self.projector.project(self.pg, TouchSet(keys=keys), position.get("ts"))
                database.notify(self.pg)
        with self.pg.transaction():
            database.save_checkpoint(self.pg, self.source_name, position)
            self.pg.execute("UPDATE snapshot_run SET done = true WHERE id = 1")
        return events


def _count(my: mariadb.Connection, table: str) -> int:
    with my.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM `{table}`")
        row = cur.fetchone()
    return int(row[0]) if row else 0


def _after(key: Sequence[str]) -> str:
    """Lexicographic `key > (%s, …)` spelled out so MariaDB's range optimizer uses the PK."""
    clauses = []
    for i, column in enumerate(key):
        equal = [f"`{c}` = %s" for c in key[:i]]
        clauses.append("(" + " AND ".join([*equal, f"`{column}` > %s"]) + ")")
    return " OR ".join(clauses)


def _after_params(last_key: Sequence[Any]) -> list[Any]:
    params: list[Any] = []
    for i in range(len(last_key)):
        params.extend(last_key[: i + 1])
    return params


def _read_chunk(
    my: mariadb.Connection, shape: TableShape, last_key: list[Any] | None, limit: int
) -> list[tuple[Any, ...]]:
    columns = ", ".join(f"`{c}`" for c in shape.column_names)
    order = ", ".join(f"`{c}`" for c in shape.primary_key)
    where = f"WHERE {_after(shape.primary_key)}" if last_key else ""
    params = _after_params(last_key) if last_key else []
    with my.cursor() as cur:
        cur.execute(
            f"SELECT {columns} FROM `{shape.name}` {where} ORDER BY {order} LIMIT {int(limit)}",
            params,
        )
        return list(cur.fetchall())


def _copy_rows(pg: PgConn, shape: TableShape, rows: Sequence[tuple[Any, ...]]) -> None:
    if not rows:
        return
    columns = ", ".join(f'"{c}"' for c in shape.column_names)
    with (
        pg.cursor() as cur,
        cur.copy(f"COPY {qualified(shape.name)} ({columns}) FROM STDIN") as copy,
    ):  # type: ignore[arg-type]
        for row in rows:
            copy.write_row(row)


def _merge_chunk(
    pg: PgConn,
    shape: TableShape,
    rows: Sequence[tuple[Any, ...]],
    last_key: list[Any] | None,
    final: bool,
) -> None:
    """Upsert the chunk, and delete mirror rows of the chunk's key range that MariaDB lacks."""
    columns = ", ".join(f'"{c}"' for c in shape.column_names)
    key = ", ".join(f'"{c}"' for c in shape.primary_key)
    rest = [c for c in shape.column_names if c not in shape.primary_key]
    update = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in rest)
    pg.execute(f"CREATE TEMP TABLE stage (LIKE {qualified(shape.name)}) ON COMMIT DROP")  # type: ignore[arg-type]
    with pg.cursor() as cur, cur.copy(f"COPY stage ({columns}) FROM STDIN") as copy:  # type: ignore[arg-type]
        for row in rows:
            copy.write_row(row)
    action = f"DO UPDATE SET {update}" if rest else "DO NOTHING"
    pg.execute(
        f"INSERT INTO {qualified(shape.name)} ({columns}) SELECT {columns} FROM stage "  # type: ignore[arg-type]
        f"ON CONFLICT ({key}) {action}"
    )
    lower = f"({key}) > ({', '.join(['%s'] * len(last_key))})" if last_key else "true"
    upper = "true"
    params: list[Any] = list(last_key or [])
    if rows and not final:
        upper = f"({key}) <= ({', '.join(['%s'] * len(shape.primary_key))})"
        params += [rows[-1][shape.column_names.index(c)] for c in shape.primary_key]
    same = " AND ".join(f's."{c}" = m."{c}"' for c in shape.primary_key)
    pg.execute(
        f"DELETE FROM {qualified(shape.name)} m WHERE {lower} AND {upper} AND NOT EXISTS "  # type: ignore[arg-type]
        f"(SELECT 1 FROM stage s WHERE {same})",
        params,
    )
