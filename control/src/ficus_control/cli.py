"""The `ficus` command line: the local stack (up, down, status, reset); later the cutover,
sync and legacy commands."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from ficus_control import delegate
from ficus_control.commands import cutover as cutover_commands
from ficus_control.commands import demo as demo_command
from ficus_control.commands import inspect as inspect_commands
from ficus_control.commands import serve as serve_command
from ficus_control.commands import token as token_commands
from ficus_control.commands.status import print_cutover_state
from ficus_control.stack import ProcessState, StackError, StackSettings
from ficus_control.stack.localstack import LocalStack, Profile
from ficus_control.stack.manager import Stack

app = typer.Typer(
    name="ficus",
    help="Ficus: strangler-fig migration of a Magento 2 store onto Python services.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err = Console(stderr=True)


def _stack() -> Stack:
    return LocalStack(StackSettings()).build()


def _fail(exc: Exception) -> typer.Exit:
    err.print(f"[bold red]error:[/] {exc}")
    return typer.Exit(code=2)


@app.command()
def up(
    engine: str = typer.Option(
        None, "--engine", help="capture engine: embedded (binlog reader) or kafka (Debezium)"
    ),
    search: str = typer.Option(None, "--search", help="search engine: postgres or elasticsearch"),
) -> None:
    """Start the whole local stack (MariaDB with binlog, Postgres, stand-in, control, sync,
    catalog, search, proxy); idempotent."""
    settings = StackSettings()
    current = Profile.load(settings)
    try:
        profile = Profile(
            capture=_choice(engine, ("embedded", "kafka"), current.capture, "--engine"),  # type: ignore[arg-type]
            search=_choice(search, ("postgres", "elasticsearch"), current.search, "--search"),  # type: ignore[arg-type]
        )
    except ValueError as exc:
        raise _fail(exc) from exc
    if profile != current and LocalStack(settings, current).build().running():
        raise _fail(
            ValueError(f"the stack runs with {current}; `ficus down` first to switch to {profile}")
        )
    profile.save(settings)
    try:
        stack = LocalStack(settings, profile).build()
        with console.status("starting…") as spinner:
            results = stack.up(on_start=lambda name: spinner.update(f"starting {name}…"))
    except StackError as exc:
        raise _fail(exc) from exc
    for result in results:
        verb = "started" if result.started else "already running"
        console.print(f"[green]✓[/] {result.name}: {verb}")
    _print_status(stack)
    console.print(
        "\nNext: [bold]ficus status[/] · [bold]make test[/] · [bold]ficus down[/] "
        "(data is kept) · [bold]ficus reset[/] (wipes it)"
    )


@app.command()
def down() -> None:
    """Stop exactly the processes `ficus up` started; data is kept."""
    try:
        results = _stack().down()
    except StackError as exc:
        raise _fail(exc) from exc
    for result in results:
        console.print(f"{result.name}: {'stopped' if result.started else 'was not running'}")


@app.command()
def status() -> None:
    """Show each engine and service: state, pid, address, health."""
    try:
        stack = _stack()
    except StackError as exc:
        raise _fail(exc) from exc
    healthy = _print_status(stack)
    print_cutover_state(console, stack.settings.postgres_url("ficus_control"))
    if not healthy:
        raise typer.Exit(code=1)


@app.command()
def reset(yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask.")) -> None:
    """Stop the stack and delete all of its data under .ficus/."""
    try:
        stack = _stack()
    except StackError as exc:
        raise _fail(exc) from exc
    if not yes and not typer.confirm(f"Delete everything under {stack.settings.home}?"):
        raise typer.Exit(code=1)
    stack.reset()
    console.print(f"wiped {stack.settings.home}")


def _choice(value: str | None, allowed: tuple[str, ...], default: str, option: str) -> str:
    if value is None:
        return default
    if value not in allowed:
        raise ValueError(f"{option} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _print_status(stack: Stack) -> bool:
    table = Table(title="Ficus local stack")
    for column in ("component", "state", "pid", "address", "health"):
        table.add_column(column)
    all_ok = True
    for st in stack.status():
        if st.state is ProcessState.RUNNING and st.health is not None and st.health.ok:
            state = "[green]running[/]"
            facts = ", ".join(f"{k} {v}" for k, v in st.health.facts.items())
            health = f"healthy{': ' + facts if facts else ''}"
        elif st.state is ProcessState.RUNNING:
            all_ok = False
            state = "[yellow]running[/]"
            health = f"[yellow]unhealthy[/]: {st.health.detail if st.health else '?'}"
        elif st.state is ProcessState.CRASHED:
            all_ok = False
            state = "[red]crashed[/]"
            health = f"exited unexpectedly; `ficus up` restarts it; log: {st.log}"
        else:
            all_ok = False
            state = "stopped"
            health = "-"
        table.add_row(st.name, state, str(st.pid or "-"), st.address, health)
    console.print(table)
    return all_ok


cutover_commands.register(app)
inspect_commands.register(app)
serve_command.register(app)
demo_command.register(app)
app.add_typer(token_commands.app, name="token")

# Commands of other deployables run as their own processes (see delegate.py).
delegate.register(app, "legacy", "ficus_legacy", [], "Magento side: `seed`, `serve` (stand-in).")
delegate.register(app, "sync", "ficus_sync", [], "Sync: `run`, `snapshot [--table T]`, `lag`, …")
delegate.register(app, "lag", "ficus_sync", ["lag"], "Forward sync lag per domain and table.")
delegate.register(app, "dlq", "ficus_sync", ["dlq"], "Sync's dead letters: `list`, `replay`.")
delegate.register(app, "reconcile", "ficus_sync", ["reconcile"], "`reconcile catalog`: 0 diffs?")
delegate.register(
    app, "connector", "ficus_sync.connector_cli", [], "Debezium connector: status, restart, …"
)
delegate.register(app, "search", "ficus_search", [], "Search service: `rebuild`, `catch-up`.")
delegate.register(app, "catalog", "ficus_catalog", [], "Catalog service: `migrate`, `dlq`.")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
