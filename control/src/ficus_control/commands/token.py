"""`ficus token create|revoke`: API tokens, straight in the control database
(FICUS_CONTROL_DB_URL)."""

from __future__ import annotations

import typer

from ficus_control.commands.common import actor, console, err, handled
from ficus_control.tokens import Role

app = typer.Typer(help="API tokens for the admin API (stored hashed).", no_args_is_help=True)


@app.command()
def create(
    name: str = typer.Option(..., "--name", help="who or what holds it, e.g. alice, proxy"),
    role: Role = typer.Option(
        Role.VIEWER,
        "--role",
        help="viewer (read), operator (change), proxy (read state, report trips/rollbacks)",
    ),
) -> None:
    """Create a token and print it once; only its sha256 hash is stored. Audited."""
    from ficus_control.adapters.pg_tokens import PostgresTokenStore
    from ficus_control.settings import ControlSettings

    with handled():
        token = PostgresTokenStore(ControlSettings().db_url).create(name, role, note=actor())
    err.print(f"created {role.value} token {name!r}; it is shown only now:")
    console.print(token, highlight=False, soft_wrap=True)


@app.command()
def revoke(
    name: str = typer.Option(..., "--name", help="revoke every live token of this name"),
) -> None:
    """Revoke tokens by name. Audited. The admin API may still accept a revoked token for a
    few seconds (FICUS_CONTROL_TOKEN_CACHE_SECONDS, default 5)."""
    from ficus_control.adapters.pg_tokens import PostgresTokenStore
    from ficus_control.settings import ControlSettings

    with handled():
        count = PostgresTokenStore(ControlSettings().db_url).revoke(name, note=actor())
    console.print(f"revoked {count} token(s) named {name!r}")
