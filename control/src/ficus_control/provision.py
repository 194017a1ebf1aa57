"""Provisioning used by `ficus up`: migrate the control database, keep the CLI's and the
proxy's tokens, and the proxy's own database role."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
from alembic import command
from alembic.config import Config
from psycopg import sql

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
    """A token kept in a file (e.g. the proxy's `proxy` token for /trip and /rollback): the
    one in `path` if it is still valid with `role`, else a new one named `name`, written there.
    A still valid token of another role (an older stack's operator token for the proxy) is
    revoked, so it does not outlive its file."""
    path = Path(path)
    store = PostgresTokenStore(db_url)
    if path.is_file():
        token = path.read_text().strip()
        principal = store.principal(token) if token else None
        if principal is not None and principal.role is role:
            return token
        if principal is not None:
            store.revoke(principal.name, note=f"provisioned (ficus up): role is now {role}")
    token = store.create(name, role, note="provisioned (ficus up)")
    _write_private(path, token)
    return token


PROXY_DB_ROLE = "ficus_proxy"

# What the proxy does with the control database, and nothing more: LISTEN (needs no grant),
# read cutover_state, add to shadow_stat. No audit_log, api_token, gate_policy, no DDL.
_PROXY_GRANTS = """
GRANT CONNECT ON DATABASE {db} TO {role};
GRANT USAGE ON SCHEMA public TO {role};
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role};
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {role};
GRANT SELECT ON cutover_state TO {role};
GRANT SELECT, INSERT, UPDATE ON shadow_stat TO {role};
"""


def ensure_proxy_db_role(db_url: str, password_file: Path | str) -> str:
    """The proxy's login role on the control database (created or reset, with the password kept
    in `password_file`, mode 0600) with only the grants it needs; returns the proxy's URL.
    Needs a role allowed to create roles (the stack's superuser). Assumes a migrated database."""
    return proxy_db_role(db_url, _kept_secret(Path(password_file)))


def proxy_db_role(db_url: str, password: str) -> str:
    """The proxy's login role with `password` (created or reset) and only its grants; returns
    the proxy's URL. Idempotent; needs a role allowed to create roles."""
    if not password:
        raise ControlError("the proxy's database role needs a password")
    role = sql.Identifier(PROXY_DB_ROLE)
    with psycopg.connect(db_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (PROXY_DB_ROLE,))
        verb = "ALTER" if exists.fetchone() else "CREATE"
        conn.execute(
            sql.SQL(verb + " ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {}").format(
                role, sql.Literal(password)
            )
        )
        db = sql.Identifier(conn.info.dbname)
        for statement in filter(str.strip, _PROXY_GRANTS.split(";")):
            conn.execute(sql.SQL(statement).format(db=db, role=role))
    return _with_user(db_url, PROXY_DB_ROLE, password)


def _kept_secret(path: Path) -> str:
    if path.is_file() and path.read_text().strip():
        return path.read_text().strip()
    secret = secrets.token_urlsafe(24)
    _write_private(path, secret)
    return secret


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text + "\n")


def _with_user(db_url: str, user: str, password: str) -> str:
    parts = urlsplit(db_url)
    host = parts.hostname or ""
    netloc = f"{quote(user)}:{quote(password, safe='')}@{host}"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))
