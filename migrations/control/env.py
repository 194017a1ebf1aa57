"""Alembic environment of the control database (cutover state, audit log, tokens, gates).

The URL is `sqlalchemy.url` when the caller set it (ficus_control.provision.run_migrations),
else FICUS_CONTROL_DB_URL, else the local stack's default. Migrations are plain SQL.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine

DEFAULT_URL = "postgresql://postgres@127.0.0.1:15432/ficus_control"


def _url() -> str:
    url = context.config.get_main_option("sqlalchemy.url") or os.environ.get(
        "FICUS_CONTROL_DB_URL", DEFAULT_URL
    )
    # psycopg 3 is the driver this project ships; SQLAlchemy's bare scheme means psycopg2.
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def run_migrations_online() -> None:
    engine = create_engine(_url())
    with engine.connect() as connection:
        context.configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
