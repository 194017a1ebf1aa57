"""Transactions on SQLAlchemy sessions (a service with an ORM, e.g. the catalog); the feed's
own statements run on the session's psycopg connection, inside the same transaction."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, cast

import psycopg
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker

#: SQLAlchemy's wrappers of the driver errors that are an event's fault.
POISON = (sa_exc.IntegrityError, sa_exc.DataError, psycopg.DataError, psycopg.IntegrityError)


class SessionTransactions:
    """`sessions.begin()` per batch; savepoints are `begin_nested()`."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def begin(self) -> AbstractContextManager[Session]:
        return self._sessions.begin()

    def savepoint(self, tx: Session) -> AbstractContextManager[object]:
        return tx.begin_nested()

    def connection(self, tx: Session) -> psycopg.Connection[Any]:
        tx.flush()  # the ORM's pending writes first, so the feed's see them
        return cast(psycopg.Connection[Any], tx.connection().connection.driver_connection)
