"""`run_migrations(db_url)`: bring the catalog database to Alembic head (used by `ficus up`,
by `python -m ficus_catalog migrate` and by the service on start)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from ficus_catalog.database import sqlalchemy_url

# services/catalog/src/ficus_catalog/migration.py → repository root is four levels up.
DEFAULT_MIGRATIONS_DIR = Path(__file__).resolve().parents[4] / "migrations" / "catalog"


def alembic_config(db_url: str, migrations_dir: Path | None = None) -> Config:
    where = migrations_dir or DEFAULT_MIGRATIONS_DIR
    config = Config(str(where / "alembic.ini"))
    config.set_main_option("script_location", str(where))
    config.set_main_option("sqlalchemy.url", sqlalchemy_url(db_url).replace("%", "%%"))
    return config


def run_migrations(db_url: str, migrations_dir: Path | None = None) -> None:
    """Upgrade the catalog database at `db_url` to head; a no-op when it is current."""
    command.upgrade(alembic_config(db_url, migrations_dir), "head")
