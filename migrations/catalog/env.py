"""Alembic environment of the catalog database.

The URL comes from `-x url=…`, else the `sqlalchemy.url` that
`ficus_catalog.migration.run_migrations()` sets, else FICUS_CATALOG_DB_URL. Plain
`postgresql://` URLs are accepted.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine, pool

from ficus_catalog.database import sqlalchemy_url
from ficus_catalog.tables import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url")
    url = url or config.get_main_option("sqlalchemy.url") or os.environ.get("FICUS_CATALOG_DB_URL")
    if not url:
        raise RuntimeError("no database URL: pass -x url=… or set FICUS_CATALOG_DB_URL")
    return sqlalchemy_url(url)


def run_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = create_engine(_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
