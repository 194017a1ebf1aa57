"""`upgrade(url)`: bring the customer database to Alembic head (`migrations/customer/`), used by
`ficus up`, by `python -m ficus_customer migrate` and by the service on start."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config

from ficus_migrate import upgrade as migrate

SCHEMA_LOCK = 7177013  # pg_advisory_xact_lock key of schema changes
# services/customer/src/ficus_customer/migration.py → repository root is four levels up.
DEFAULT_MIGRATIONS_DIR = migrate.repository_migrations("customer", __file__, 4)


def alembic_config(url: str, migrations_dir: Path | None = None) -> Config:
    """The Alembic configuration of `migrations/customer` for the database at `url`."""
    return migrate.alembic_config(url, migrations_dir or DEFAULT_MIGRATIONS_DIR)


def upgrade(url: str, migrations_dir: Path | None = None) -> None:
    """Upgrade the customer database at `url` to head (a no-op when it is current)."""
    migrate.upgrade(url, migrations_dir or DEFAULT_MIGRATIONS_DIR)
