"""The `ficus` command line: the control plane's commands, the local dev stack's (up, down,
status, reset; ficus_devstack) and other deployables' commands run as processes (delegate.py).

It must start instantly: every command imports what it uses when it runs (drivers, httpx,
pydantic settings, the dev stack), never at module level (tests/unit/control/test_startup.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from ficus_control import delegate
from ficus_control.commands import cutover as cutover_commands
from ficus_control.commands import demo as demo_command
from ficus_control.commands import inspect as inspect_commands
from ficus_control.commands import plan as plan_commands
from ficus_control.commands import proxy_role as proxy_role_command
from ficus_control.commands import serve as serve_command
from ficus_control.commands import token as token_commands
from ficus_control.commands.common import console, err

if TYPE_CHECKING:
    from types import ModuleType

app = typer.Typer(
    name="ficus",
    help="Ficus: strangler-fig migration of a Magento 2 store onto Python services.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,  # plain help: rich's help formatter alone costs 0.15 s per start
)


def _devstack() -> ModuleType:
    """The dev stack's command bodies, imported only when a stack command runs (a production
    control plane has no ficus_devstack)."""
    try:
        from ficus_devstack import commands
    except ModuleNotFoundError as exc:
        if exc.name != "ficus_devstack":
            raise
        err.print(
            "[bold red]error:[/] the local dev stack (ficus-devstack) is not installed; "
            "`ficus up/down/status/reset` are development commands"
        )
        raise typer.Exit(code=2) from exc
    return commands


@app.command()
def up(
    engine: str = typer.Option(
        None, "--engine", help="capture engine: embedded (binlog reader) or kafka (Debezium)"
    ),
    search: str = typer.Option(None, "--search", help="search engine: postgres or elasticsearch"),
    plane: str = typer.Option(
        None, "--plane", help="data plane on the shopper port: proxy (Python) or nginx"
    ),
) -> None:
    """Start the whole local stack (MariaDB with binlog, Postgres, stand-in, control, sync,
    catalog, search, proxy); idempotent."""
    _devstack().up(engine, search, plane)


@app.command()
def down() -> None:
    """Stop exactly the processes `ficus up` started; data is kept."""
    _devstack().down()


@app.command()
def status() -> None:
    """Show each engine and service: state, pid, address, health."""
    from ficus_control.commands.status import print_cutover_state

    healthy, control_db_url = _devstack().status()
    print_cutover_state(console, control_db_url)
    if not healthy:
        raise typer.Exit(code=1)


@app.command()
def reset(yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask.")) -> None:
    """Stop the stack and delete all of its data under .ficus/."""
    _devstack().reset(yes)


cutover_commands.register(app)
inspect_commands.register(app)
serve_command.register(app)
proxy_role_command.register(app)
demo_command.register(app)
app.add_typer(token_commands.app, name="token")
app.add_typer(plan_commands.app, name="plan")

# Commands of other deployables run as their own processes (see delegate.py).
delegate.register(app, "standin", "ficus_standin", [], "Magento stand-in: `seed`, `serve`.")
delegate.register(app, "legacy", "ficus_standin", [], "Old name of `ficus standin`.")
delegate.register(app, "sync", "ficus_sync", [], "Sync: `run`, `snapshot [--table T]`, `lag`, …")
delegate.register(app, "lag", "ficus_sync", ["lag"], "Sync lag both ways, per domain and table.")
delegate.register(app, "conflicts", "ficus_sync", ["conflicts"], "Conflicts: list, `resolve ID`.")
delegate.register(app, "dlq", "ficus_sync", ["dlq"], "Sync's dead letters: `list`, `replay`.")
delegate.register(app, "reconcile", "ficus_sync", ["reconcile"], "`reconcile catalog`: 0 diffs?")
delegate.register(
    app, "connector", "ficus_sync.connector_cli", [], "Debezium connector: status, restart, …"
)
delegate.register(app, "search", "ficus_search", [], "Search service: `rebuild`, `catch-up`.")
delegate.register(app, "catalog", "ficus_catalog", [], "Catalog service: `migrate`, `dlq`.")


SERVICE_MIGRATIONS = ("ficus_sync", "ficus_catalog", "ficus_search", "ficus_customer")


@app.command()
def migrate() -> None:
    """Upgrade every Ficus database to its Alembic head: control's here, then sync's, the
    catalog's, search's and the customer service's, each through its own `python -m ficus_<x>
    migrate` (same settings as the service). Idempotent; stops at the first failure."""
    from ficus_control.provision import run_migrations
    from ficus_control.settings import ControlSettings

    run_migrations(ControlSettings().db_url)
    console.print("control: at head")
    for module in SERVICE_MIGRATIONS:
        code = delegate.run_module(module, ["migrate"])
        if code != 0:
            err.print(f"[bold red]error:[/] {module} migrate exited with {code}")
            raise typer.Exit(code=code)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
