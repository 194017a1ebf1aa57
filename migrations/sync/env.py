"""Alembic environment of sync's database (its fixed tables; the mirror schema stays dynamic,
see `ficus_sync.migration`).

The URL comes from `-x url=…`, else the `sqlalchemy.url` that
`ficus_sync.migration.run_migrations()` sets, else FICUS_SYNC_POSTGRES_URL. Plain
`postgresql://` URLs are accepted. Migrations are plain SQL. Concurrent starts are serialized
by the same advisory lock sync takes to install its mirror.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine, pool, text

from ficus_sync.database import INSTALL_LOCK
from ficus_sync.migration import sqlalchemy_url

config = context.config


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url")
    url = (
        url or config.get_main_option("sqlalchemy.url") or os.environ.get("FICUS_SYNC_POSTGRES_URL")
    )
    if not url:
        raise RuntimeError("no database URL: pass -x url=… or set FICUS_SYNC_POSTGRES_URL")
    return sqlalchemy_url(url)


def run_offline() -> None:
    context.configure(url=_url(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = create_engine(_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection)
        with context.begin_transaction():
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": INSTALL_LOCK})
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
