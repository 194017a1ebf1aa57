"""Alembic environment of the control database (cutover state, audit log, tokens, gates): plain
SQL revisions; the URL falls back to the local stack's default. The rest is
`ficus_migrate.environment`."""

from ficus_control.settings import ControlSettings
from ficus_migrate.environment import run_environment

run_environment(
    url_variable="FICUS_CONTROL_DB_URL",
    default_url=str(ControlSettings.model_fields["db_url"].default),
)
