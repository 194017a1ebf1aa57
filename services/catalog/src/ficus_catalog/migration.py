"""`run_migrations(db_url)`: bring the catalog database to Alembic head (used by `ficus up`,
by `python -m ficus_catalog migrate` and by the service on start)."""

from __future__ import annotations

from pathlib import Path

from ficus_migrate.upgrade import repository_migrations, upgrade

# services/catalog/src/ficus_catalog/migration.py → repository root is four levels up.
DEFAULT_MIGRATIONS_DIR = repository_migrations("catalog", __file__, 4)


def run_migrations(db_url: str, migrations_dir: Path | None = None) -> None:
    """Upgrade the catalog database at `db_url` to head; a no-op when it is current."""
    upgrade(db_url, migrations_dir or DEFAULT_MIGRATIONS_DIR)
