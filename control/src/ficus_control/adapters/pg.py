"""Connections to the control database; psycopg's connection errors are translated here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from ficus_control.errors import StoreUnavailable

Conn = psycopg.Connection[tuple[Any, ...]]


@contextmanager
def connect(db_url: str, timeout: float = 3.0) -> Iterator[Conn]:
    """A connection whose block is one transaction: committed on success, else rolled back."""
    try:
        conn = psycopg.connect(db_url, connect_timeout=max(1, int(timeout)))
    except psycopg.OperationalError as exc:
        raise StoreUnavailable(f"the control database is unreachable: {exc}".strip()) from exc
    with conn:
        try:
            yield conn
        except psycopg.errors.UndefinedTable as exc:
            raise StoreUnavailable(
                f"the control database is not migrated ({exc}); `ficus up` migrates it"
            ) from exc
        except psycopg.OperationalError as exc:
            raise StoreUnavailable(f"the control database failed: {exc}") from exc
