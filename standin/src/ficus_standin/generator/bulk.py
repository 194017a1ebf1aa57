"""Fast bulk loading: buffered multi-row INSERTs with explicit ids, one transaction per flush."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pymysql.converters import escape_string

from ficus_legacy.types import Connection

MAX_STATEMENT = 4 * 1024 * 1024  # characters per multi-row INSERT (max_allowed_packet: 64M)
_BULK_SESSION = (
    "SET SESSION unique_checks = 0, foreign_key_checks = 0, time_zone = '+00:00',"
    " sql_mode = CONCAT(@@sql_mode, ',NO_AUTO_VALUE_ON_ZERO')"
)


@contextmanager
def bulk_session(conn: Connection) -> Iterator[None]:
    """Unique and foreign key checks off while loading (ids are explicit and consistent)."""
    with conn.cursor() as cur:
        cur.execute("SELECT @@unique_checks, @@foreign_key_checks, @@time_zone, @@sql_mode")
        saved = cur.fetchone()
        cur.execute(_BULK_SESSION)
    try:
        yield
    finally:
        with conn.cursor() as cur:
            cur.execute(
                "SET SESSION unique_checks = %s, foreign_key_checks = %s, time_zone = %s,"
                " sql_mode = %s",
                saved,
            )


class BulkWriter:
    """Buffers rows per table and writes them as multi-row INSERTs, one transaction per batch.

    A full batch is written by one background thread while the caller builds the next, so
    generation and the server's work overlap; batches still run one at a time, in order, on the
    one connection. `drain()` waits for every batch: call it before using the connection.
    """

    def __init__(self, conn: Connection, flush_rows: int = 20_000) -> None:
        self.conn = conn
        self.flush_rows = flush_rows
        self._buffers: dict[str, tuple[Sequence[str], list[Sequence[Any]]]] = {}
        self._pending = 0
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bulk-writer")
        self._running: Future[int] | None = None
        self.written = 0

    def add(self, table: str, columns: Sequence[str], row: Sequence[Any]) -> None:
        """Queue one row; `columns` must be the same for every row of `table`."""
        buffer = self._buffers.get(table)
        if buffer is None:
            buffer = self._buffers[table] = (columns, [])
        buffer[1].append(row)
        self._pending += 1

    def maybe_flush(self) -> None:
        """Hand the batch over when enough rows are queued (call between whole aggregates)."""
        if self._pending >= self.flush_rows:
            self.flush()

    def flush(self) -> None:
        """Start writing the queued rows (after the previous batch has committed)."""
        batch = [(t, cols, rows) for t, (cols, rows) in self._buffers.items() if rows]
        self._buffers = {t: (cols, []) for t, (cols, _) in self._buffers.items()}
        self._pending = 0
        self._wait()
        self._running = self._executor.submit(self._write, batch)

    def drain(self) -> None:
        """Flush and wait until every batch is committed; re-raises a batch's error."""
        self.flush()
        self._wait()

    def close(self) -> None:
        self._executor.shutdown(wait=True)

    def _wait(self) -> None:
        if self._running is not None:
            running, self._running = self._running, None
            self.written += running.result()

    def _write(self, batch: list[tuple[str, Sequence[str], list[Sequence[Any]]]]) -> int:
        with self.conn.cursor() as cur:
            for table, columns, rows in batch:
                names = ", ".join(f"`{c}`" for c in columns)
                for statement in _statements(f"INSERT INTO `{table}` ({names}) VALUES ", rows):
                    cur.execute(statement)
        self.conn.commit()
        return sum(len(rows) for _, _, rows in batch)


def literal(value: Any) -> str:
    """A value as an SQL literal (faster than the driver's per-value escaping)."""
    kind = type(value)
    if value is None:
        return "NULL"
    if kind is str:
        return "'" + escape_string(value) + "'"
    if kind is int:
        return str(value)
    if kind is Decimal:
        return format(value, "f")
    if kind is bool:
        return "1" if value else "0"
    if kind is float:
        return repr(value)
    if kind is datetime or kind is date:
        return "'" + value.isoformat(sep=" ") + "'" if kind is datetime else f"'{value}'"
    raise TypeError(f"no SQL literal for {kind.__name__}")


def _statements(head: str, rows: list[Sequence[Any]]) -> Iterator[str]:
    """Multi-row INSERT statements of at most ~MAX_STATEMENT characters."""
    parts: list[str] = []
    size = 0
    for row in rows:
        text = "(" + ",".join(map(literal, row)) + ")"
        parts.append(text)
        size += len(text) + 1
        if size >= MAX_STATEMENT:
            yield head + ",".join(parts)
            parts, size = [], 0
    if parts:
        yield head + ",".join(parts)
