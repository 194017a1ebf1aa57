"""Alembic environment of the customer database (plain SQL revisions): see
`ficus_migrate.environment` for where the URL comes from and how replicas are serialized."""

from ficus_customer.migration import SCHEMA_LOCK
from ficus_migrate.environment import run_environment

run_environment(url_variable="FICUS_CUSTOMER_DATABASE_URL", lock=SCHEMA_LOCK)
