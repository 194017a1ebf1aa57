"""Provisioning used by `ficus up`: migrate the control database, keep a CLI operator token."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config

from ficus_control.adapters.pg_tokens import PostgresTokenStore
from ficus_control.errors import ControlError
from ficus_control.tokens import Role


def migrations_dir() -> Path:
    """`migrations/control` of the workspace this package runs from."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "migrations" / "control"
        if (candidate / "env.py").is_file():
            return candidate
    raise ControlError("cannot find migrations/control (the control database's Alembic env)")


def run_migrations(db_url: str) -> None:
    """`alembic upgrade head` on the control database at `db_url`; idempotent."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("sqlalchemy.url", db_url.replace("%", "%%"))
    command.upgrade(config, "head")


def ensure_cli_token(db_url: str, path: Path | str) -> str:
    """The CLI's operator token: the one in `path` if still valid, else a new one written there
    (mode 0600). Assumes the database is migrated."""
    return ensure_token(db_url, path, "cli", Role.OPERATOR)


def ensure_token(db_url: str, path: Path | str, name: str, role: Role) -> str:
    """A token kept in a file (e.g. the proxy's operator token for /trip and /rollback): the
    one in `path` if it is still valid with `role`, else a new one named `name`, written there."""
    path = Path(path)
    store = PostgresTokenStore(db_url)
    if path.is_file():
        token = path.read_text().strip()
        principal = store.principal(token) if token else None
        if principal is not None and principal.role is role:
            return token
    token = store.create(name, role)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(token + "\n")
    return token
