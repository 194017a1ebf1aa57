"""The event source: table `domain_event` in sync's Postgres database, woken by
`NOTIFY ficus_domain_event`. Read-only; each service keeps its checkpoint in its own database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import psycopg
from psycopg.rows import dict_row

from ficus_contracts.events import DOMAIN_EVENT_CHANNEL
from ficus_feed.errors import SourceUnavailable

T = TypeVar("T")

_FETCH = """
SELECT seq, aggregate, aggregate_id, entity_id, version, kind, payload, source_ts_ms,
    reverse_watermark
FROM domain_event WHERE seq > %s ORDER BY seq LIMIT %s
"""
_HEAD = "SELECT max(seq) AS seq FROM domain_event"
_OLDEST = "SELECT source_ts_ms FROM domain_event WHERE seq > %s ORDER BY seq LIMIT 1"


class PostgresEventSource:
    """Reads events after a given seq and waits for NOTIFY (with a timeout as a safety net).

    Driver errors leave as `SourceUnavailable` (the one place they are translated); the
    connection is dropped and reopened on the next call.
    """

    def __init__(self, url: str) -> None:
        self._url = url.replace("postgresql+psycopg://", "postgresql://", 1)
        self._conn: psycopg.Connection[dict[str, Any]] | None = None

    def _connection(self) -> psycopg.Connection[dict[str, Any]]:
        if self._conn is None or self._conn.closed:
            try:
                conn = psycopg.connect(
                    self._url, autocommit=True, row_factory=dict_row, connect_timeout=5
                )
                conn.execute(f"LISTEN {DOMAIN_EVENT_CHANNEL}")
            except psycopg.Error as exc:
                raise SourceUnavailable(f"event source: {exc}") from exc
            self._conn = conn
        return self._conn

    def _call(self, read: Callable[[psycopg.Connection[dict[str, Any]]], T]) -> T:
        try:
            return read(self._connection())
        except psycopg.Error as exc:
            self.close()
            raise SourceUnavailable(f"event source: {exc}") from exc

    def fetch_after(self, seq: int, limit: int) -> list[dict[str, Any]]:
        return self._call(lambda conn: conn.execute(_FETCH, (seq, limit)).fetchall())

    def head(self) -> int:
        row = self._call(lambda conn: conn.execute(_HEAD).fetchone())
        return 0 if row is None or row["seq"] is None else int(row["seq"])

    def oldest_after(self, seq: int) -> int | None:
        row = self._call(lambda conn: conn.execute(_OLDEST, (seq,)).fetchone())
        return None if row is None else row["source_ts_ms"]

    def wait(self, timeout: float) -> bool:
        """Block until a NOTIFY arrives or `timeout` passes; True if notified."""
        return self._call(lambda conn: _notified(conn, timeout))

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _notified(conn: psycopg.Connection[Any], timeout: float) -> bool:
    # Exhaust each generator: a suspended one keeps the connection's lock.
    notified = bool(list(conn.notifies(timeout=timeout, stop_after=1)))
    if notified:  # drain what else queued up meanwhile, without blocking
        list(conn.notifies(timeout=0))
    return notified
