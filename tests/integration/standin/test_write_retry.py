"""The stand-in's write transactions (`Database.run`) on real MariaDB, against a second
connection taking the same rows in the opposite order: a transaction InnoDB rolls back as the
deadlock victim (1213), or whose lock wait times out (1205), is run again from the start and
commits; at most `ATTEMPTS` runs in all; any other error is not retried."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pymysql
import pytest

from ficus_devstack.process import wait_until
from ficus_standin import StandinSettings
from ficus_standin.db import ATTEMPTS, Connection, Database, MysqlTarget

pytestmark = pytest.mark.integration

Other = Any  # the second party: a pymysql connection, autocommit off
ROWS = 40


@pytest.fixture
def other(mariadb_conn: Other) -> Other:
    with mariadb_conn.cursor() as cur:
        cur.execute("CREATE TABLE probe (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB")
        cur.executemany("INSERT INTO probe VALUES (%s, 0)", [(i,) for i in range(1, ROWS + 1)])
    mariadb_conn.commit()
    return mariadb_conn


@pytest.fixture
def db(other: Other, settings: StandinSettings) -> Iterator[Database]:
    database = Database(MysqlTarget.from_url(settings.mysql_url.get_secret_value()), 2)
    yield database
    database.close()


def _values(other: Other) -> dict[int, int]:
    other.commit()
    with other.cursor() as cur:
        cur.execute("SELECT id, v FROM probe WHERE id <= 2")
        return {int(i): int(v) for i, v in cur.fetchall()}


class Runner:
    """`db.run(work)` in a thread; `attempts` holds each run's connection thread id."""

    def __init__(self, db: Database, work: Callable[[Connection, int], None]) -> None:
        self.attempts: list[int] = []
        self.outcome: list[object] = []

        def attempt(conn: Connection) -> int:
            self.attempts.append(conn.thread_id())
            work(conn, len(self.attempts))
            return len(self.attempts)

        def target() -> None:
            try:
                self.outcome.append(db.run(attempt))
            except Exception as exc:  # noqa: BLE001 - the test asserts on it
                self.outcome.append(exc)

        self.thread = threading.Thread(target=target, daemon=True)
        self.thread.start()

    def result(self) -> object:
        self.thread.join(30)
        assert self.outcome, "db.run did not return"
        return self.outcome[0]


def _update(conn: Connection, row: int, by: int = 1) -> None:
    with conn.cursor() as cur:
        cur.execute("UPDATE probe SET v = v + %s WHERE id = %s", (by, row))


def test_the_deadlock_victim_is_run_again_and_commits(db: Database, other: Other) -> None:
    holds_1, holds_2 = threading.Event(), threading.Event()

    def work(conn: Connection, attempt: int) -> None:
        _update(conn, 1)
        if attempt == 1:  # row 1 held; wait until the other party holds row 2
            holds_1.set()
            assert holds_2.wait(10)
        _update(conn, 2)  # first run: waits for the other party, which then wants row 1

    runner = Runner(db, work)
    assert holds_1.wait(10)
    with other.cursor() as cur:  # heavier (many rows): InnoDB rolls back the lighter one, ours
        cur.execute("UPDATE probe SET v = v + 10 WHERE id > 2")
    _update(other, 2, 10)
    holds_2.set()
    # Each party now waits for the other's row: whichever request closes the cycle, InnoDB
    # rolls back the lighter transaction (the stand-in's) and this UPDATE goes through.
    _update(other, 1, 10)
    other.commit()

    assert runner.result() == 2  # the second run committed
    assert _values(other) == {1: 11, 2: 11}  # both parties' writes, the victim's once


def test_a_lock_wait_timeout_is_run_again(db: Database, other: Other) -> None:
    released = threading.Event()

    def work(conn: Connection, attempt: int) -> None:
        with conn.cursor() as cur:
            cur.execute("SET SESSION innodb_lock_wait_timeout = 1")
        if attempt == 2:
            assert released.wait(10)
        _update(conn, 1)  # first run: row 1 is the other party's until its commit

    _update(other, 1, 10)
    runner = Runner(db, work)
    assert wait_until(lambda: len(runner.attempts) == 2, 10, interval=0.05)
    other.commit()
    released.set()
    assert runner.result() == 2
    assert _values(other)[1] == 11


def test_the_runs_are_bounded(db: Database, other: Other) -> None:
    def work(conn: Connection, attempt: int) -> None:
        with conn.cursor() as cur:
            cur.execute("SET SESSION innodb_lock_wait_timeout = 1")
        _update(conn, 2)
        _update(conn, 1)  # the other party holds it throughout

    _update(other, 1, 10)
    runner = Runner(db, work)
    outcome = runner.result()
    other.rollback()
    assert isinstance(outcome, pymysql.err.OperationalError) and outcome.args[0] == 1205
    assert len(runner.attempts) == ATTEMPTS
    assert _values(other) == {1: 0, 2: 0}  # every run rolled back


def test_other_errors_are_not_retried(db: Database, other: Other) -> None:
    def work(conn: Connection, attempt: int) -> None:
        _update(conn, 2)
        with conn.cursor() as cur:
            cur.execute("INSERT INTO probe VALUES (1, 0)")  # duplicate key

    runner = Runner(db, work)
    outcome = runner.result()
    assert isinstance(outcome, pymysql.err.IntegrityError)
    assert len(runner.attempts) == 1
    assert _values(other) == {1: 0, 2: 0}
