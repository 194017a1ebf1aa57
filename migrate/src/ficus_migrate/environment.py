"""The body of every `migrations/<name>/env.py`.

The URL comes from `-x url=…`, else the `sqlalchemy.url` that `upgrade()` set, else the
member's environment variable, else a default (the local stack's, where the member has one);
either URL form is accepted. psycopg 3 opens the connection. Every online upgrade runs under the
member's advisory lock, so replicas that start together migrate one after the other.
"""

from __future__ import annotations

import os

import psycopg
from alembic import context
from sqlalchemy import MetaData, create_engine, pool

from ficus_migrate.urls import libpq_url, sqlalchemy_url


def _url(url_variable: str, default_url: str | None) -> str:
    url = context.get_x_argument(as_dictionary=True).get("url")
    url = url or context.config.get_main_option("sqlalchemy.url")
    url = url or os.environ.get(url_variable) or default_url
    if not url:
        raise RuntimeError(f"no database URL: pass -x url=… or set {url_variable}")
    return url


def run_environment(
    *,
    url_variable: str,
    lock: int | None = None,
    metadata: MetaData | None = None,
    default_url: str | None = None,
) -> None:
    """Run the pending revisions (offline: print their SQL) for the database Alembic was given.

    `metadata` is only for autogenerate (the catalog's ORM tables); the revisions are SQL."""
    url = _url(url_variable, default_url)
    if context.is_offline_mode():
        context.configure(url=sqlalchemy_url(url), target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    dsn = libpq_url(sqlalchemy_url(url))
    engine = create_engine(
        "postgresql+psycopg://", poolclass=pool.NullPool, creator=lambda: psycopg.connect(dsn)
    )
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata)
        with context.begin_transaction():
            if lock is not None:
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({int(lock)})")
            context.run_migrations()
    engine.dispose()
