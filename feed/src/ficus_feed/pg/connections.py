"""Transactions on plain psycopg connections (a service without an ORM, e.g. search)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import psycopg
from psycopg.rows import dict_row

Conn = psycopg.Connection[dict[str, Any]]

#: Driver errors that are an event's fault (a value out of range, a broken constraint).
POISON = (psycopg.DataError, psycopg.IntegrityError)


class ConnectionTransactions:
    """One new connection per batch (dict rows), committed when the block ends."""

    def __init__(self, url: str) -> None:
        self._url = url

    @contextmanager
    def begin(self) -> Iterator[Conn]:
        with psycopg.connect(self._url, row_factory=dict_row, connect_timeout=5) as conn:
            yield conn

    def savepoint(self, tx: Conn) -> AbstractContextManager[object]:
        return tx.transaction()

    def connection(self, tx: Conn) -> psycopg.Connection[Any]:
        return tx
