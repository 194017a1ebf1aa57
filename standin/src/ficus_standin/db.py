"""A tiny pool of pymysql connections and one transaction per request."""

from __future__ import annotations

import queue
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeAlias

import pymysql
import pymysql.cursors

from ficus_legacy.core.mysqlurl import MysqlTarget
from ficus_legacy.mysql import connect

__all__ = ["Connection", "Database", "MysqlTarget", "dict_cursor"]

Connection: TypeAlias = "pymysql.connections.Connection[Any]"


def dict_cursor(conn: Connection) -> pymysql.cursors.DictCursor:
    """Rows as dicts; connections keep pymysql's default cursor for the legacy library."""
    return conn.cursor(pymysql.cursors.DictCursor)


class Database:
    """Hands out pooled connections; every `transaction()` commits or rolls back as a whole."""

    def __init__(self, target: MysqlTarget, size: int = 8) -> None:
        self._target = target
        self._idle: queue.LifoQueue[Connection] = queue.LifoQueue(maxsize=size)

    def _connect(self) -> Connection:
        return connect(self._target)

    def _borrow(self) -> Connection:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            return self._connect()

    def _give_back(self, conn: Connection) -> None:
        try:
            self._idle.put_nowait(conn)
        except queue.Full:
            conn.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        conn = self._borrow()
        try:
            yield conn
            conn.commit()
        except BaseException:
            _roll_back(conn, self._give_back)
            raise
        self._give_back(conn)

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return


def _roll_back(conn: Connection, give_back: Callable[[Connection], None]) -> None:
    """Roll back; a connection that cannot roll back is closed instead of pooled."""
    try:
        conn.rollback()
    except pymysql.MySQLError:
        conn.close()
        return
    give_back(conn)
