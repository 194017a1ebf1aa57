"""Alembic environment of the search database (plain SQL revisions): see
`ficus_migrate.environment` for where the URL comes from and how replicas are serialized."""

from ficus_migrate.environment import run_environment
from ficus_search.migration import SCHEMA_LOCK

run_environment(url_variable="FICUS_SEARCH_DATABASE_URL", lock=SCHEMA_LOCK)
