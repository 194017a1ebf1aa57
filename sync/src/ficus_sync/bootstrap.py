"""Composition root: builds sync's components from its settings and supervises streaming
(reconnect with backoff, resume from the committed checkpoint)."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg

from ficus_sync import mariadb, store
from ficus_sync.capture.binlog import BinlogSource
from ficus_sync.errors import SourceUnavailable
from ficus_sync.lag import LagTracker
from ficus_sync.mirror import Mirror, PgConn, TouchSet
from ficus_sync.pipeline import TRANSIENT, Pipeline
from ficus_sync.projector import Projector
from ficus_sync.reader import MirrorStateReader
from ficus_sync.settings import SyncSettings
from ficus_sync.shape import TableShape, qualified
from ficus_sync.snapshot import Progress, SnapshotResult, Snapshotter
from ficus_sync.tables import CAPTURED

log = logging.getLogger(__name__)


def connect_pg(url: str, async_commit: bool = False) -> PgConn:
    try:
        conn: PgConn = psycopg.connect(url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        raise SourceUnavailable(f"Postgres: {exc}") from exc
    conn.execute("SET search_path TO public, mirror")  # legacy metadata SQL reads mirror tables
    # Full-state event payloads are large jsonb values stored out of line: lz4 compresses them
    # several times faster than the default pglz (a session default; storage only, no schema).
    with contextlib.suppress(psycopg.errors.InvalidParameterValue):  # a build without lz4
        conn.execute("SET default_toast_compression = 'lz4'")
    if async_commit:
        # Safe for exactly-once: every batch commits its effects (mirror, projection, id map,
        # events) with its checkpoint in one transaction, and crash recovery replays WAL in
        # order, so losing unflushed commits loses whole batches together with their
        # checkpoint — sync resumes from the older checkpoint and re-reads them from the
        # binlog. A kill -9 of sync itself loses nothing (the server still has the WAL).
        # Risk (why it is opt-in): an event read by a consumer in ANOTHER cluster before a
        # Postgres crash may vanish and come back re-derived. See SyncSettings.async_commit.
        conn.execute("SET synchronous_commit = off")
    return conn


@dataclass
class Components:
    settings: SyncSettings
    params: mariadb.MysqlParams
    pg: PgConn
    mirror: Mirror
    projector: Projector
    lag: LagTracker

    def reload_shapes(self, tables: Sequence[str]) -> dict[str, TableShape]:
        with mariadb.connection(self.params) as my:
            return mariadb.read_shapes(my, self.params.database, tables)

    def snapshotter(self) -> Snapshotter:
        return Snapshotter(
            self.pg, self.params, self.mirror, self.projector,
            chunk_rows=self.settings.snapshot_chunk_rows,
        )  # fmt: skip

    def pipeline(self) -> Pipeline:
        source = BinlogSource(self.params, self.settings.server_id, CAPTURED)
        return Pipeline(
            self.pg, source, self.mirror, self.projector, self.lag, self.reload_shapes,
            max_batch_events=self.settings.max_batch_events,
        )  # fmt: skip

    def close(self) -> None:
        self.pg.close()


def build(settings: SyncSettings, lag: LagTracker | None = None) -> Components:
    """Connect, install sync's tables and the mirror (idempotent)."""
    params = mariadb.MysqlParams.from_url(settings.mysql_url)
    pg = connect_pg(settings.postgres_url, settings.async_commit)
    try:
        store.install(pg)
        with mariadb.connection(params) as my:
            shapes = mariadb.read_shapes(my, params.database, CAPTURED)
            foreign_keys = mariadb.read_foreign_keys(my, params.database, CAPTURED)
        mirror = Mirror(shapes, foreign_keys)
        with pg.transaction():
            pg.execute("SELECT pg_advisory_xact_lock(%s)", (store.APPLY_LOCK + 1,))
            mirror.ensure(pg)
    except BaseException:
        pg.close()
        raise
    return Components(
        settings, params, pg, mirror, Projector(MirrorStateReader()), lag or LagTracker()
    )


def snapshot_if_needed(
    components: Components, progress: Progress | None = None
) -> SnapshotResult | None:
    snapshotter = components.snapshotter()
    if not snapshotter.needed():
        return None
    return snapshotter.initial(progress) if progress else snapshotter.initial()


def announce_store_views(components: Components) -> int:
    """A sync database from before store events has projected no store view: project every
    store view in the mirror once, so the services learn their codes without waiting for a
    store-table change. Returns the events emitted (0 once any store view was projected)."""
    pg = components.pg
    with pg.transaction():
        pg.execute("SELECT pg_advisory_xact_lock(%s)", (store.APPLY_LOCK,))  # no batch meanwhile
        row = pg.execute("SELECT EXISTS (SELECT 1 FROM projection WHERE aggregate = 'store')")
        if bool(row.fetchone()[0]):  # type: ignore[index]
            return 0
        ids = [int(r[0]) for r in pg.execute(f"SELECT store_id FROM {qualified('store')}")]
        if not ids:
            return 0
        emitted = components.projector.project(
            pg, TouchSet(keys={("store", store_id) for store_id in ids}), None
        )
        store.notify(pg)
    log.info("announced %d store view(s) to the services (first start with store events)", emitted)
    return emitted


def stream(settings: SyncSettings, lag: LagTracker, stop: threading.Event) -> None:
    """Stream until `stop`; transient failures reconnect with exponential backoff."""
    backoff = 0.2
    while not stop.is_set():
        components: Components | None = None
        try:
            components = build(settings, lag)
            snapshot_if_needed(components)
            announce_store_views(components)
            lag.connected = True
            backoff = 0.2
            components.pipeline().run(stop)
        except TRANSIENT as exc:
            lag.connected = False
            log.warning("source unavailable (%s); retrying in %.1fs", exc, backoff)
            stop.wait(backoff)
            backoff = min(backoff * 2, settings.backoff_max_seconds)
        finally:
            if components is not None:
                _close_quietly(components)


def _close_quietly(components: Components) -> None:
    with contextlib.suppress(Exception):  # the connection may already be dead
        components.close()


def probe_master(settings: SyncSettings, lag: LagTracker, stop: threading.Event) -> None:
    """Keep the lag tracker's view of MariaDB's GTID position fresh (every 0.5 s)."""
    params = mariadb.MysqlParams.from_url(settings.mysql_url)
    conn: Any = None
    while not stop.wait(0.5):
        try:
            conn = conn or mariadb.connect(params)
            lag.observe_master(mariadb.master_coordinates(conn).gtid)
        except Exception:  # noqa: BLE001 - probe only; streaming reports real failures
            conn = None
