"""`python -m ficus_standin …`: the Magento stand-in's command line: `serve` (the REST V1
subset), `seed` (install the schema and generate a deterministic store), `upgrade`, `role`
(a narrowed admin role for tests) and `integration` (an integration's access token)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pymysql
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ficus_legacy import integrations, roles, tokens
from ficus_legacy.customers import grid
from ficus_legacy.errors import LegacyError
from ficus_legacy.mysql import connect
from ficus_legacy.schema import create_tables
from ficus_standin.generator import SeedSpec, generate
from ficus_standin.settings import StandinSettings

app = typer.Typer(help="The Magento stand-in: Magento's REST V1 subset, and a store generator.")


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(18080, help="Port to listen on."),
    workers: int = typer.Option(1, help="uvicorn worker processes."),
) -> None:
    """Serve Magento's REST V1 subset over the Magento database (FICUS_LEGACY_MYSQL_URL)."""
    import uvicorn

    from ficus_standin.app import create_app

    settings = StandinSettings()
    if workers > 1:
        uvicorn.run(
            "ficus_standin.app:factory",
            host=host,
            port=port,
            workers=workers,
            factory=True,
            log_level="warning",
        )
        return
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


DEFAULT_URL = "mysql://ficus:ficus@127.0.0.1:13306/magento"


def mysql_url() -> str:
    return os.environ.get("FICUS_LEGACY_MYSQL_URL", DEFAULT_URL)


@contextmanager
def _progress(console: Console) -> Iterator[Callable[[str, int], Callable[[int], None]]]:
    columns = (TextColumn("{task.description:>10}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=console) as progress:

        def stage(name: str, total: int) -> Callable[[int], None]:
            task = progress.add_task(name, total=total)
            return lambda n: progress.advance(task, n)

        yield stage


def seed(
    products: int = typer.Option(1000, help="number of products (children included)"),
    customers: int = typer.Option(100, help="number of customers"),
    orders: int = typer.Option(100, help="number of orders"),
    seed: int = typer.Option(1, help="random seed: same seed, same rows"),
    url: str = typer.Option(None, help="mysql://user:pw@host:port/db (FICUS_LEGACY_MYSQL_URL)"),
) -> None:
    """Generate a deterministic Magento store into the database (installs the schema if absent)."""
    console = Console()
    try:
        conn = connect(url or mysql_url())
    except pymysql.MySQLError as exc:
        console.print(f"[red]cannot connect to MariaDB:[/red] {exc.args[-1] if exc.args else exc}")
        raise typer.Exit(2) from exc
    try:
        with _progress(console) as stage:
            report = generate(conn, SeedSpec(products, customers, orders, seed), stage)
    except LegacyError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc
    finally:
        conn.close()
    rate = report.products / report.seconds if report.seconds else 0.0
    console.print(
        f"seeded {report.products} products, {report.customers} customers, {report.orders}"
        f" orders ({report.rows} rows) in {report.seconds:.1f}s — {rate:.0f} products/s"
    )


def upgrade(
    url: str = typer.Option(None, help="mysql://user:pw@host:port/db (FICUS_LEGACY_MYSQL_URL)"),
) -> None:
    """Bring a store seeded by an older release up to this schema, as `bin/magento setup:upgrade`
    then `indexer:reindex customer_grid` would: create the tables it lacks, put admin user 1
    in the Administrators role when they have no role, rebuild the grid."""
    console = Console()
    try:
        conn = connect(url or mysql_url())
    except pymysql.MySQLError as exc:
        console.print(f"[red]cannot connect to MariaDB:[/red] {exc.args[-1] if exc.args else exc}")
        raise typer.Exit(2) from exc
    try:
        create_tables(conn)
        roles.seed_administrators(conn)
        grid.refresh_all(conn)
        conn.commit()
    finally:
        conn.close()
    console.print("schema upgraded, customer grid reindexed")


def role(
    user_id: int = typer.Option(..., help="the admin user id to put in the role"),
    allow: list[str] = typer.Option(..., help="an ACL resource the role allows (repeatable)"),
    deny: list[str] = typer.Option([], help="an ACL resource the role denies (repeatable)"),
    name: str = typer.Option("Narrowed", help="the role's name"),
    url: str = typer.Option(None, help="mysql://user:pw@host:port/db (FICUS_LEGACY_MYSQL_URL)"),
) -> None:
    """Create a role allowing (and denying) these resources as Magento's role editor saves it,
    move the admin user into it, and print an admin token for that user."""
    conn = connect(url or mysql_url())
    try:
        group = roles.create_group(conn, name, allow, deny)
        roles.assign(conn, user_id, group, name)
        conn.commit()
    finally:
        conn.close()
    settings = StandinSettings()
    token = tokens.issue(
        settings.signing_secret(), user_id, tokens.UserType.ADMIN,
        ttl_seconds=settings.token_ttl_seconds,
    )  # fmt: skip
    typer.echo(token)


def integration(
    name: str = typer.Option(..., help="the integration's name (unique)"),
    allow: list[str] = typer.Option(..., help="an ACL resource it is allowed (repeatable)"),
    enable_bearer: bool = typer.Option(
        False, help="also set oauth/consumer/enable_integration_as_bearer (off in Magento)"
    ),
    url: str = typer.Option(None, help="mysql://user:pw@host:port/db (FICUS_LEGACY_MYSQL_URL)"),
) -> None:
    """Create an active integration allowed these resources, with its OAuth consumer and
    access token stored as Magento stores them, and print the access token."""
    conn = connect(url or mysql_url())
    try:
        issued = integrations.create(conn, name, allow)
        if enable_bearer:
            integrations.enable_bearer(conn)
        conn.commit()
    finally:
        conn.close()
    typer.echo(issued.token)


app.command("serve")(serve)
app.command("integration")(integration)
app.command("role")(role)
app.command("seed")(seed)
app.command("upgrade")(upgrade)
