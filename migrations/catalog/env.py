"""Alembic environment of the catalog database: the ORM tables' metadata serves autogenerate,
the revisions themselves are SQL; the rest is `ficus_migrate.environment`."""

from ficus_catalog.tables import Base
from ficus_migrate.environment import run_environment

run_environment(url_variable="FICUS_CATALOG_DB_URL", metadata=Base.metadata)
