"""Engine construction for the catalog database (psycopg 3 under SQLAlchemy 2)."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine


def sqlalchemy_url(url: str) -> str:
    """Accept libpq-style `postgresql://` URLs; SQLAlchemy needs the psycopg 3 driver named."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def libpq_url(url: str) -> str:
    """The inverse: a URL psycopg.connect() accepts."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def make_engine(url: str, pool_size: int = 5) -> Engine:
    return create_engine(sqlalchemy_url(url), pool_size=pool_size, pool_pre_ping=True, future=True)


def make_read_engine(url: str, pool_size: int = 5) -> Engine:
    """For reads of one statement: autocommit (no BEGIN, nothing to roll back when the
    connection goes back to the pool) and no ping on checkout (a connection the server
    dropped fails one read and is replaced)."""
    return create_engine(sqlalchemy_url(url), pool_size=pool_size, isolation_level="AUTOCOMMIT")
