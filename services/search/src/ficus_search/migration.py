"""`upgrade(url)`: bring the search database to Alembic head (`migrations/search/`), used by
`python -m ficus_search migrate` and by the service on start.

The per-store-view text indexes of `search_match` (`search_match_text_<store_id>`) are not in
the migrations: a store view's index is made with its first document (`matchtable`), and
`upgrade` makes any that a store with documents lacks (a database whose `search_match` the
first revision filled).
"""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config

from ficus_migrate import upgrade as migrate
from ficus_search import matchtable, repository

SCHEMA_LOCK = 7177001  # pg_advisory_xact_lock key of schema changes
# services/search/src/ficus_search/migration.py → repository root is four levels up.
DEFAULT_MIGRATIONS_DIR = migrate.repository_migrations("search", __file__, 4)


def alembic_config(url: str, migrations_dir: Path | None = None) -> Config:
    """The Alembic configuration of `migrations/search` for the database at `url`."""
    return migrate.alembic_config(url, migrations_dir or DEFAULT_MIGRATIONS_DIR)


def upgrade(url: str, migrations_dir: Path | None = None) -> None:
    """Upgrade the search database at `url` to head (a no-op when it is current), then make
    the text index of each store view that has documents but no index yet."""
    migrate.upgrade(url, migrations_dir or DEFAULT_MIGRATIONS_DIR)
    with repository.connect(url) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
        stores = conn.execute("SELECT DISTINCT store_id FROM search_match").fetchall()
        matchtable.ensure_store_indexes(conn, (int(r["store_id"]) for r in stores))
