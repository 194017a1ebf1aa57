"""Alembic environment of sync's database: its fixed tables (the mirror schema stays dynamic,
see `ficus_sync.migration`). Concurrent starts are serialized by the same advisory lock sync
takes to install its mirror; the rest is `ficus_migrate.environment`."""

from ficus_migrate.environment import run_environment
from ficus_sync.database import INSTALL_LOCK

run_environment(url_variable="FICUS_SYNC_POSTGRES_URL", lock=INSTALL_LOCK)
