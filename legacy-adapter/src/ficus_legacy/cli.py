"""`python -m ficus_legacy …`: the legacy side's command line (seed; the stand-in adds serve)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pymysql
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ficus_legacy.errors import LegacyError
from ficus_legacy.generator import SeedSpec, generate
from ficus_legacy.mysqlurl import MysqlTarget
from ficus_legacy.types import Connection

DEFAULT_URL = "mysql://ficus:ficus@127.0.0.1:13306/magento"
app = typer.Typer(help="Ficus legacy side: Magento schema, store generator, REST stand-in.")


@app.callback()
def main() -> None:
    """Ficus legacy side: Magento schema, store generator, REST stand-in."""


def mysql_url() -> str:
    return os.environ.get("FICUS_LEGACY_MYSQL_URL", DEFAULT_URL)


def connect(url: str) -> Connection:
    """A pymysql connection (utf8mb4, autocommit off) from `mysql://user:pw@host:port/db`."""
    target = MysqlTarget.from_url(url)
    return pymysql.connect(
        host=target.host,
        port=target.port,
        user=target.user,
        password=target.password,
        database=target.database or None,
        charset="utf8mb4",
        autocommit=False,
    )


@contextmanager
def _progress(console: Console) -> Iterator[Callable[[str, int], Callable[[int], None]]]:
    columns = (TextColumn("{task.description:>10}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=console) as progress:

        def stage(name: str, total: int) -> Callable[[int], None]:
            task = progress.add_task(name, total=total)
            return lambda n: progress.advance(task, n)

        yield stage


@app.command()
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


# The Magento stand-in adds `serve` (legacy-adapter/src/ficus_legacy/standin/cli.py).
from ficus_legacy.standin.cli import register as _register_standin  # noqa: E402

_register_standin(app)
