"""The event source: table `domain_event` in sync's Postgres database, woken by
`NOTIFY ficus_domain_event`. Read-only; the checkpoint lives in the search database."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row

from ficus_contracts.events import DOMAIN_EVENT_CHANNEL
from ficus_search.core.errors import SourceUnavailable

_FETCH = """
SELECT seq, aggregate, aggregate_id, entity_id, version, kind, payload, source_ts_ms
FROM domain_event WHERE seq > %s ORDER BY seq LIMIT %s
"""


class EventSource:
    """Reads events after a seq and waits for NOTIFY; driver errors → SourceUnavailable."""

    def __init__(self, url: str) -> None:
        self._url = url
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

    def fetch_after(self, seq: int, limit: int) -> list[dict[str, Any]]:
        try:
            return self._connection().execute(_FETCH, (seq, limit)).fetchall()
        except psycopg.Error as exc:
            self.close()
            raise SourceUnavailable(f"event source: {exc}") from exc

    def head(self) -> int:
        try:
            row = self._connection().execute("SELECT max(seq) AS seq FROM domain_event").fetchone()
        except psycopg.Error as exc:
            self.close()
            raise SourceUnavailable(f"event source: {exc}") from exc
        return int(row["seq"]) if row and row["seq"] is not None else 0

    def wait(self, timeout: float) -> bool:
        """Block until a NOTIFY arrives or `timeout` passes; True if notified."""
        try:
            notified = any(True for _ in self._connection().notifies(timeout=timeout, stop_after=1))
            for _ in self._connection().notifies(timeout=0):
                pass
        except psycopg.Error as exc:
            self.close()
            raise SourceUnavailable(f"event source: {exc}") from exc
        return notified

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
