"""The embedded capture engine: MariaDB's binlog read with python-mysql-replication.

A reader thread assembles complete transactions (GTID … XID/COMMIT) of the captured tables
into `Transaction`s carrying the binlog file/pos after the transaction and its GTID, and hands
them over through a bounded queue; `poll` waits on that queue with a timeout so the pipeline
can batch by time. Any reader failure surfaces from `poll` as `SourceUnavailable`; the
pipeline then reopens the source at its last committed checkpoint.
"""

from __future__ import annotations

import contextlib
import queue
import re
import struct
import threading
import time
from collections.abc import Mapping
from typing import Any

import pymysql
from pymysqlreplication import BinLogStreamReader
from pymysqlreplication.event import MariadbGtidEvent, QueryEvent, RotateEvent, XidEvent
from pymysqlreplication.row_event import (
    _COLUMN_NAME_CACHE,
    DeleteRowsEvent,
    UpdateRowsEvent,
    WriteRowsEvent,
)

from ficus_sync import mariadb
from ficus_sync.capture.port import Position, Transaction
from ficus_sync.core.envelope import ChangeEvent, Op, SourcePosition, TableHints
from ficus_sync.errors import SNAPSHOT_COMMAND, BinlogPurged, CaptureError, SourceUnavailable

_DDL = re.compile(
    r"^\s*(?:ALTER|CREATE|DROP|RENAME|TRUNCATE)\s+TABLE\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?"
    r"(?:`?\w+`?\.)?`?(\w+)`?",
    re.I,
)
_EVENTS = [
    MariadbGtidEvent,
    XidEvent,
    QueryEvent,
    RotateEvent,
    WriteRowsEvent,
    UpdateRowsEvent,
    DeleteRowsEvent,
]


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


class BinlogSource:
    """Capture source reading MariaDB's binlog as a replica with id `server_id`."""

    name = "binlog"

    def __init__(
        self, params: mariadb.MysqlParams, server_id: int, tables: tuple[str, ...]
    ) -> None:
        self.params = params
        self.server_id = server_id
        self.tables = tables
        self._queue: queue.Queue[Transaction | _Failure] = queue.Queue(maxsize=20_000)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._stream: BinLogStreamReader | None = None

    def open(self, position: Position | None, hints: Mapping[str, TableHints]) -> None:
        with mariadb.connection(self.params) as conn:
            mariadb.ensure_row_metadata(conn)
            start = self._start_position(conn, position)
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, args=(start,), name="binlog-reader", daemon=True
        )
        self._thread.start()

    def _start_position(self, conn: mariadb.Connection, position: Position | None) -> Position:
        if not position or not position.get("file"):
            now = mariadb.master_coordinates(conn)
            return {"file": now.file, "pos": now.pos, "gtid": now.gtid}
        available = mariadb.binary_logs(conn)
        if position["file"] not in available:
            raise BinlogPurged(str(position["file"]), available)
        return position

    def poll(self, timeout: float) -> Transaction | None:
        try:
            item = self._queue.get(timeout=timeout)
        except queue.Empty:
            if self._thread is not None and not self._thread.is_alive() and not self._stop.is_set():
                raise SourceUnavailable("the binlog reader stopped") from None
            return None
        if isinstance(item, _Failure):
            raise _translate(item.error) from item.error
        return item

    def committed(self, position: Position) -> None:
        """Nothing to do: the checkpoint lives in Postgres with the effect."""

    def close(self) -> None:
        self._stop.set()
        stream = self._stream
        if stream is not None:
            with contextlib.suppress(Exception):  # closing a possibly dead socket
                stream.close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._thread = None
        self._queue = queue.Queue(maxsize=20_000)

    def _run(self, start: Position) -> None:
        try:
            self._read(start)
        except BaseException as exc:  # handed to the pipeline thread
            if not self._stop.is_set():
                self._put(_Failure(exc))

    def _put(self, item: Transaction | _Failure) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.5)
                return
            except queue.Full:
                continue

    def _read(self, start: Position) -> None:
        stream = BinLogStreamReader(
            connection_settings=self.params.replication_settings(),
            server_id=self.server_id,
            blocking=True,
            # MariaDB resumes by GTID state (file/pos are ignored by the library for MariaDB)
            auto_position=str(start.get("gtid") or ""),
            is_mariadb=True,
            only_events=_EVENTS,
            only_schemas=[self.params.database],
            only_tables=list(self.tables),
            slave_heartbeat=1,
            use_column_name_cache=True,  # names from information_schema if the binlog lacks them
            # a table map is parsed once per table id, not before every statement (it was half
            # of sync's CPU); a DDL drops the altered table's maps (`_forget`), a rotation
            # (also the one the server sends when the library reconnects by itself) all
            freeze_schema=True,
        )
        self._stream = stream
        assembler = _Assembler(self.params.database, set(self.tables), str(start.get("gtid", "")))
        try:
            for event in stream:
                if self._stop.is_set():
                    return
                if isinstance(event, RotateEvent):  # (re)connected or a new file: a
                    stream.table_map.clear()  # restarted server reuses table ids
                done = assembler.feed(event, stream.log_file, stream.log_pos)
                if done is not None:
                    _forget(stream, done.schema_changed)
                    self._put(done)
        finally:
            stream.close()
        if not self._stop.is_set():
            raise SourceUnavailable("the binlog stream ended")


def _forget(stream: BinLogStreamReader, tables: set[str]) -> None:
    """Drop the table maps of altered tables: their next map is parsed afresh."""
    if tables:
        for table_id, table in list(stream.table_map.items()):
            if table.table in tables:
                del stream.table_map[table_id]


class _Assembler:
    """Turns binlog events into complete transactions."""

    def __init__(self, database: str, tables: set[str], gtid: str) -> None:
        self.database = database
        self.tables = tables
        self.state = {g.split("-")[0]: g for g in gtid.split(",") if g.count("-") == 2}
        self.gtid = ""
        self.events: list[ChangeEvent] = []
        self.ts_ms: int | None = None

    def position_gtid(self) -> str:
        """The GTID state after the current transaction (one GTID per replication domain)."""
        if self.gtid:
            self.state[self.gtid.split("-")[0]] = self.gtid
        return ",".join(self.state[d] for d in sorted(self.state))

    def feed(self, event: Any, file: str, pos: int) -> Transaction | None:
        if isinstance(event, MariadbGtidEvent):
            self.gtid = str(event.gtid)
            self.events = []
            self.ts_ms = int(event.timestamp) * 1000
            return None
        if isinstance(event, WriteRowsEvent | UpdateRowsEvent | DeleteRowsEvent):
            self.events.extend(self._changes(event, file, pos))
            return None
        if isinstance(event, XidEvent):
            return self._finish(file, pos, set())
        if isinstance(event, QueryEvent):
            return self._query(event, file, pos)
        return None

    def _query(self, event: QueryEvent, file: str, pos: int) -> Transaction | None:
        query = event.query if isinstance(event.query, str) else event.query.decode()
        if query.strip().upper() == "BEGIN":
            return None
        if query.strip().upper() == "COMMIT":
            return self._finish(file, pos, set())
        match = _DDL.match(query)
        changed = {match.group(1)} & self.tables if match else set()
        for table in changed:  # the next table map must re-read the column names
            _COLUMN_NAME_CACHE.pop(f"{self.database}.{table}", None)
        return self._finish(file, pos, changed)

    def _finish(self, file: str, pos: int, changed: set[str]) -> Transaction:
        done = Transaction(
            events=self.events,
            position={"file": file, "pos": pos, "gtid": self.position_gtid()},
            source_ts_ms=self.ts_ms,
            received_at=time.time(),
            schema_changed=changed,
        )
        self.events = []
        return done

    def _changes(self, event: Any, file: str, pos: int) -> list[ChangeEvent]:
        source = SourcePosition(
            file=file, pos=pos, gtid=self.gtid, ts_ms=int(event.timestamp) * 1000
        )
        if isinstance(event, WriteRowsEvent):
            return [self._event(event, Op.CREATE, None, r["values"], source) for r in event.rows]
        if isinstance(event, DeleteRowsEvent):
            return [self._event(event, Op.DELETE, r["values"], None, source) for r in event.rows]
        return [
            self._event(event, Op.UPDATE, r["before_values"], r["after_values"], source)
            for r in event.rows
        ]

    def _event(
        self,
        event: Any,
        op: Op,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        source: SourcePosition,
    ) -> ChangeEvent:
        return ChangeEvent(
            table=str(event.table),
            op=op,
            before=before,
            after=after,
            source=source,
            transaction_id=self.gtid,
            database=str(event.schema),
        )


def _translate(error: BaseException) -> CaptureError:
    if isinstance(error, CaptureError):
        return error
    if isinstance(error, pymysql.err.MySQLError):
        code = error.args[0] if error.args else None
        if code == 1236:  # e.g. "Could not find GTID state requested by slave …"
            return CaptureError(
                f"MariaDB cannot serve the binlog from the checkpoint ({error.args[-1]}): the "
                f"binlog was probably purged. Re-snapshot with `{SNAPSHOT_COMMAND}` "
                "(later `ficus sync snapshot`), then restart."
            )
        return SourceUnavailable(f"binlog connection lost: {error}")
    if isinstance(error, OSError | EOFError | AttributeError | struct.error):
        return SourceUnavailable(f"binlog connection lost: {error!r}")
    return CaptureError(f"binlog reader failed: {error!r}")
