"""The event source: table `domain_event` in sync's Postgres database, woken by
`NOTIFY ficus_domain_event`. Read-only; the catalog keeps its checkpoint in its own database."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row

from ficus_catalog.database import libpq_url
from ficus_catalog.errors import SourceUnavailable
from ficus_contracts.events import DOMAIN_EVENT_CHANNEL

_FETCH = """
SELECT seq, aggregate, aggregate_id, entity_id, version, kind, payload, source_ts_ms
FROM domain_event WHERE seq > %s ORDER BY seq LIMIT %s
"""


class EventSource:
    """Reads events after a given seq and waits for NOTIFY (with a timeout as a safety net).

    Driver errors leave as `SourceUnavailable`; the consumer reconnects with backoff.
    """

    def __init__(self, url: str) -> None:
        self._url = libpq_url(url)
        self._conn: psycopg.Connection[dict[str, Any]] | None = None

    def _connection(self) -> psycopg.Connection[dict[str, Any]]:
        if self._conn is None or self._conn.closed:
            try:
                conn = psycopg.connect(self._url, autocommit=True, row_factory=dict_row)
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

    def head(self) -> tuple[int, int | None]:
        """(highest seq, its source_ts_ms) — 0 when the table is empty."""
        sql = "SELECT seq, source_ts_ms FROM domain_event ORDER BY seq DESC LIMIT 1"
        try:
            row = self._connection().execute(sql).fetchone()
        except psycopg.Error as exc:
            self.close()
            raise SourceUnavailable(f"event source: {exc}") from exc
        return (0, None) if row is None else (int(row["seq"]), row["source_ts_ms"])

    def oldest_after(self, seq: int) -> int | None:
        """source_ts_ms of the first event after `seq` (the oldest one not yet applied)."""
        sql = "SELECT source_ts_ms FROM domain_event WHERE seq > %s ORDER BY seq LIMIT 1"
        try:
            row = self._connection().execute(sql, (seq,)).fetchone()
        except psycopg.Error as exc:
            self.close()
            raise SourceUnavailable(f"event source: {exc}") from exc
        return None if row is None else row["source_ts_ms"]

    def wait(self, timeout: float) -> bool:
        """Block until a NOTIFY arrives or `timeout` passes; True if notified."""
        try:
            # Exhaust each generator: a suspended one keeps the connection's lock.
            notified = bool(list(self._connection().notifies(timeout=timeout, stop_after=1)))
            if notified:  # drain what else queued up meanwhile, without blocking
                list(self._connection().notifies(timeout=0))
        except psycopg.Error as exc:
            self.close()
            raise SourceUnavailable(f"event source: {exc}") from exc
        return notified

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
