"""`ficus proxy-role`: the proxy's own role on the control database, for deployments that do
not run `ficus up` (docker-compose runs it once, after the control migration)."""

from __future__ import annotations

import os

import typer

from ficus_control.commands.common import bad_input, console, handled


def proxy_role(
    password_env: str = typer.Option(
        "PROXY_DB_PASSWORD", "--password-env", help="environment variable holding its password"
    ),
) -> None:
    """Create or reset the `ficus_proxy` login role on the control database
    (FICUS_CONTROL_DB_URL, a role allowed to create roles): it may LISTEN, read cutover_state
    and add to shadow_stat, nothing else (no token, audit or gate table, no cutover change).
    The proxies connect with it (FICUS_PROXY_CONTROL_DB_URL). Idempotent."""
    from ficus_control.provision import PROXY_DB_ROLE, proxy_db_role
    from ficus_control.settings import ControlSettings

    password = os.environ.get(password_env, "")
    if not password:
        raise bad_input(f"{password_env} is empty: the proxy's role needs a password")
    with handled():
        proxy_db_role(ControlSettings().db_url, password)
    console.print(f"role {PROXY_DB_ROLE} ready (LISTEN, cutover_state read, shadow_stat add)")


def register(app: typer.Typer) -> None:
    app.command("proxy-role")(proxy_role)
