"""`run_migrations(postgres_url)`: bring sync's database to Alembic head (`migrations/sync/`),
on every start of sync and by `python -m ficus_sync migrate`.

Alembic owns sync's fixed tables (checkpoint, id map, projection, domain events, dead letters,
snapshot progress). The mirror schema is not Alembic's: its tables copy the captured Magento
tables' shapes as MariaDB reports them (`core/shape.py`), so `Mirror.ensure` creates them at
start from those shapes.
"""

from __future__ import annotations

from pathlib import Path

from ficus_sync.errors import SourceUnavailable

# sync/src/ficus_sync/migration.py → the repository root is three levels up.
DEFAULT_MIGRATIONS_DIR = Path(__file__).resolve().parents[3] / "migrations" / "sync"


def run_migrations(postgres_url: str, migrations_dir: Path | None = None) -> None:
    """Upgrade sync's database at `postgres_url` to head; a no-op when it is current."""
    # imported here: Alembic and SQLAlchemy load only when sync migrates
    from sqlalchemy.exc import OperationalError

    from ficus_migrate.upgrade import upgrade

    try:
        upgrade(postgres_url, migrations_dir or DEFAULT_MIGRATIONS_DIR)
    except OperationalError as exc:  # Postgres went away: the supervisor reconnects
        raise SourceUnavailable(f"Postgres: {exc.orig or exc}") from exc
