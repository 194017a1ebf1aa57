"""A tiny pool of pymysql connections and one transaction per request.

A write goes through `Database.run(work)`: `work(conn)` in one transaction, run again from the
start when InnoDB rolled it back as a deadlock victim (1213) or one of its statements timed out
waiting for a lock (1205; the transaction is rolled back here, InnoDB only undid the statement).
InnoDB's documentation prescribes exactly this ("always be prepared to re-issue a transaction
if it fails due to deadlock"). Magento 2.4.8 maps the two errors to `DeadlockException` and
`LockWaitException` in its PDO adapter (`Pdo/Mysql.php`, `$exceptionMap`) but re-runs only some
operations (Magento_Cron's `DeadlockRetrier`: up to 5 attempts, and only outside an open
transaction, i.e. the whole transaction); a customer save that loses a deadlock is an error
there. The stand-in re-runs every customer write's transaction, bounded, so that a shopper does
not get a 500 because the reverse worker wrote Magento's rows at the same moment.
"""

from __future__ import annotations

import logging
import queue
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeAlias, TypeVar

import pymysql
import pymysql.cursors

from ficus_legacy.core.mysqlurl import MysqlTarget
from ficus_legacy.mysql import connect

__all__ = ["ATTEMPTS", "RETRIED_ERRORS", "Connection", "Database", "MysqlTarget", "dict_cursor"]

Connection: TypeAlias = "pymysql.connections.Connection[Any]"
T = TypeVar("T")
log = logging.getLogger(__name__)

RETRIED_ERRORS = frozenset({1205, 1213})  # lock wait timeout, deadlock
ATTEMPTS = 5  # as Magento's DeadlockRetrier
BACKOFF_SECONDS = 0.01  # times the attempt, jittered: the two parties do not collide again


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

    def run(self, work: Callable[[Connection], T]) -> T:
        """`work(conn)` in one transaction (committed when it returns); re-run from the start,
        at most `ATTEMPTS` times in all, when it lost a deadlock or a lock wait timed out."""
        attempt = 1
        while True:
            try:
                with self.transaction() as conn:
                    return work(conn)
            except pymysql.err.OperationalError as exc:
                if attempt >= ATTEMPTS or not exc.args or exc.args[0] not in RETRIED_ERRORS:
                    raise
                log.warning("transaction re-run (attempt %d): %s", attempt + 1, exc)
            time.sleep(random.uniform(0, BACKOFF_SECONDS * attempt))  # noqa: S311 - jitter
            attempt += 1

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
