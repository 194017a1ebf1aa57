"""Composition root: builds sync's components from its settings, picks the capture engine
(`FICUS_SYNC_ENGINE`: its source, snapshot strategy and lag reader, in `capture()`, the one
place that tells the engines apart) and names the workers `run` supervises (`workers()`):
forward streaming (reconnect with backoff, resume from the committed checkpoint), the
MariaDB GTID probe and one reverse worker per domain whose service takes writes
(`ficus_sync.reverse`: its outbox into Magento)."""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg

from ficus_sync import database, mariadb
from ficus_sync.capture.binlog import BinlogSource
from ficus_sync.capture.port import (
    CaptureSource,
    LagReader,
    Progress,
    SnapshotResult,
    Snapshots,
)
from ficus_sync.core.shape import TableShape, qualified
from ficus_sync.core.tables import CAPTURED
from ficus_sync.errors import SourceUnavailable
from ficus_sync.lag import LagTracker
from ficus_sync.migration import run_migrations
from ficus_sync.mirror import Mirror, PgConn, TouchSet
from ficus_sync.pipeline import Pipeline
from ficus_sync.projector import Projector
from ficus_sync.reader import MirrorStateReader
from ficus_sync.reverse.outbox import probe_backlog
from ficus_sync.reverse.status import ReverseStatus
from ficus_sync.reverse.worker import ReverseConfig, ReverseWorker
from ficus_sync.settings import SyncSettings
from ficus_sync.snapshot import Snapshotter

log = logging.getLogger(__name__)

Worker = Callable[[threading.Event], None]  # runs until the event is set


def _nothing() -> None:
    return None


@dataclass(frozen=True)
class Capture:
    """One capture engine, wired: everything else in sync is the same for both."""

    name: str
    source: Callable[[], CaptureSource]  # a fresh source per (re)connect
    snapshots: Callable[[Components], Snapshots]
    prepare: Callable[[], object] = _nothing  # once, before streaming
    lag_reader: LagReader | None = None  # the engine's own part of /v1/lag


def capture(settings: SyncSettings) -> Capture:
    """The capture engine `settings.engine` names."""
    if settings.engine == "kafka":
        return _kafka_capture()
    params = mariadb.MysqlParams.from_url(settings.mysql_url)
    return Capture(
        name="embedded",
        source=functools.partial(BinlogSource, params, settings.server_id, CAPTURED),
        snapshots=Components.snapshotter,
    )


def _kafka_capture() -> Capture:
    # imported here: confluent-kafka loads only on the engine that uses it
    from ficus_sync.capture.kafka import provision
    from ficus_sync.capture.kafka.settings import KafkaPathSettings
    from ficus_sync.capture.kafka.snapshots import DebeziumSnapshots
    from ficus_sync.capture.kafka.source import KafkaSource, consumer_lag, lag_report

    kafka = KafkaPathSettings()
    spec = provision.connector_spec(kafka)
    topics = [spec.topic(table) for table in spec.tables]

    def read_lag() -> dict[str, Any]:
        return lag_report(consumer_lag(kafka.bootstrap_servers, kafka.consumer_group, topics, 2.0))

    return Capture(
        name="kafka",
        source=functools.partial(KafkaSource, kafka.bootstrap_servers, kafka.consumer_group, spec),
        snapshots=lambda _components: DebeziumSnapshots(kafka),
        prepare=functools.partial(provision.prepare, kafka),
        lag_reader=read_lag,
    )


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
    capture: Capture

    def reload_shapes(self, tables: Sequence[str]) -> dict[str, TableShape]:
        with mariadb.connection(self.params) as my:
            return mariadb.read_shapes(my, self.params.database, tables)

    def snapshots(self) -> Snapshots:
        """The capture engine's way to take the initial snapshot or re-read a table."""
        return self.capture.snapshots(self)

    def snapshotter(self) -> Snapshotter:
        """Sync's own table copier (the embedded engine's snapshots)."""
        return Snapshotter(
            self.pg, self.params, self.mirror, self.projector,
            chunk_rows=self.settings.snapshot_chunk_rows,
        )  # fmt: skip

    def pipeline(self) -> Pipeline:
        return Pipeline(
            self.pg, self.capture.source(), self.mirror, self.projector, self.lag,
            self.reload_shapes, max_batch_events=self.settings.max_batch_events,
        )  # fmt: skip

    def close(self) -> None:
        self.pg.close()


def build(
    settings: SyncSettings, lag: LagTracker | None = None, engine: Capture | None = None
) -> Components:
    """Connect, bring sync's database to its schema head and install the mirror (idempotent)."""
    params = mariadb.MysqlParams.from_url(settings.mysql_url)
    pg = connect_pg(settings.postgres_url, settings.async_commit)
    try:
        run_migrations(settings.postgres_url, settings.migrations_dir)
        with mariadb.connection(params) as my:
            shapes = mariadb.read_shapes(my, params.database, CAPTURED)
            foreign_keys = mariadb.read_foreign_keys(my, params.database, CAPTURED)
        mirror = Mirror(shapes, foreign_keys)
        with pg.transaction():
            pg.execute("SELECT pg_advisory_xact_lock(%s)", (database.INSTALL_LOCK,))
            mirror.ensure(pg)
    except BaseException:
        pg.close()
        raise
    lag = lag or LagTracker()
    projector = Projector(MirrorStateReader(mirror.shapes), on_echo=lag.echo_suppressed)
    engine = engine or capture(settings)
    return Components(settings, params, pg, mirror, projector, lag, engine)


def snapshot_if_needed(
    components: Components, progress: Progress | None = None
) -> SnapshotResult | None:
    snapshots = components.snapshots()
    if not snapshots.needed():
        return None
    return snapshots.initial(progress) if progress else snapshots.initial()


def announce_store_views(components: Components) -> int:
    """A sync database from before store events has projected no store view: project every
    store view in the mirror once, so the services learn their codes without waiting for a
    store-table change. Returns the events emitted (0 once any store view was projected)."""
    pg = components.pg
    with pg.transaction():
        pg.execute("SELECT pg_advisory_xact_lock(%s)", (database.APPLY_LOCK,))  # no batch meanwhile
        row = pg.execute("SELECT EXISTS (SELECT 1 FROM projection WHERE aggregate = 'store')")
        if bool(row.fetchone()[0]):  # type: ignore[index]
            return 0
        ids = [int(r[0]) for r in pg.execute(f"SELECT store_id FROM {qualified('store')}")]
        if not ids:
            return 0
        emitted = components.projector.project(
            pg, TouchSet(keys={("store", store_id) for store_id in ids}), None
        )
        database.notify(pg)
    log.info("announced %d store view(s) to the services (first start with store events)", emitted)
    return emitted


def workers(
    settings: SyncSettings, lag: LagTracker, reverse: ReverseStatus | None = None
) -> dict[str, Worker]:
    """The long-running workers of `run`, by thread name; each runs until its event is set.
    With `reverse`, one reverse worker per domain whose service database is configured."""
    found: dict[str, Worker] = {
        "stream": functools.partial(stream, settings, lag),
        "probe": functools.partial(probe_master, settings, lag),
    }
    if reverse is not None:
        found.update(reverse_workers(settings, reverse))
    return found


def reverse_workers(settings: SyncSettings, reverse: ReverseStatus) -> dict[str, Worker]:
    """One reverse worker per domain whose service database is configured."""
    return {
        f"reverse-{domain}": ReverseWorker(
            ReverseConfig.from_settings(settings, domain), reverse
        ).run
        for domain in settings.reverse_databases()
    }


def reverse_status(settings: SyncSettings, lag: LagTracker) -> ReverseStatus:
    """Reverse sync's status in sync's metrics registry, probing each domain's outbox afresh."""
    probes = {
        domain: functools.partial(probe_backlog, url)
        for domain, url in settings.reverse_databases().items()
    }
    return ReverseStatus(lag.registry, probes)


def stream(settings: SyncSettings, lag: LagTracker, stop: threading.Event) -> None:
    """Prepare the capture engine once, then stream until `stop`; transient failures (of the
    preparation too) reconnect with exponential backoff."""
    engine = capture(settings)
    prepared = False
    backoff = 0.2
    while not stop.is_set():
        components: Components | None = None
        try:
            if not prepared:
                engine.prepare()
                prepared = True
            components = build(settings, lag, engine)
            snapshot_if_needed(components)
            announce_store_views(components)
            lag.connected = True
            backoff = 0.2
            components.pipeline().run(stop)
        except database.TRANSIENT as exc:
            lag.connected = False
            log.warning("%s source unavailable (%s); retrying in %.1fs", engine.name, exc, backoff)
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
