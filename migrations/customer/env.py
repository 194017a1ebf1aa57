"""Alembic environment of the customer database.

The URL (libpq style, `postgresql://…`, as the service's settings hold it) comes from
`-x url=…`, else the `sqlalchemy.url` that `ficus_customer.migration.upgrade()` sets, else
FICUS_CUSTOMER_DATABASE_URL; psycopg opens the connection. The schema is plain SQL (no
SQLAlchemy metadata). Every upgrade runs under the schema's advisory lock, so replicas starting
together migrate one after the other.
"""

from __future__ import annotations

import os

import psycopg
from alembic import context
from sqlalchemy import create_engine, pool

from ficus_customer.migration import SCHEMA_LOCK

config = context.config


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url")
    url = url or config.get_main_option("sqlalchemy.url")
    url = url or os.environ.get("FICUS_CUSTOMER_DATABASE_URL")
    if not url:
        raise RuntimeError("no database URL: pass -x url=… or set FICUS_CUSTOMER_DATABASE_URL")
    return url


def run_offline() -> None:
    context.configure(dialect_name="postgresql", target_metadata=None, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    url = _url()
    engine = create_engine(
        "postgresql+psycopg://", poolclass=pool.NullPool, creator=lambda: psycopg.connect(url)
    )
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=None)
        with context.begin_transaction():
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})")
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
