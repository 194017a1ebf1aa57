"""The bodies of `ficus up`, `down`, `status` and `reset`. The `ficus` CLI (ficus_control.cli)
declares these commands and imports this module only when one of them runs, so the control
plane starts quickly and runs in production without the dev stack installed."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from ficus_devstack.errors import StackError
from ficus_devstack.localstack import LocalStack, Profile
from ficus_devstack.manager import Stack
from ficus_devstack.process import ProcessState
from ficus_devstack.settings import StackSettings

console = Console()
err = Console(stderr=True)


def _stack() -> Stack:
    return LocalStack(StackSettings()).build()


def _fail(exc: Exception) -> typer.Exit:
    err.print(f"[bold red]error:[/] {exc}")
    return typer.Exit(code=2)


def up(engine: str | None, search: str | None, plane: str | None = None) -> None:
    """Start the whole local stack with the given capture and search engines and data plane
    (proxy or nginx); idempotent."""
    settings = StackSettings()
    current = Profile.load(settings)
    try:
        profile = Profile(
            capture=_choice(engine, ("embedded", "kafka"), current.capture, "--engine"),  # type: ignore[arg-type]
            search=_choice(search, ("postgres", "elasticsearch"), current.search, "--search"),  # type: ignore[arg-type]
            plane=_choice(plane, ("proxy", "nginx"), current.plane, "--plane"),  # type: ignore[arg-type]
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
        f"\nDashboard: http://127.0.0.1:{settings.control_port}/dashboard/ · sign in with a "
        "viewer token: [bold]ficus token create --name YOU --role viewer[/]"
    )
    console.print(
        "\nNext: [bold]ficus status[/] · [bold]make test[/] · [bold]ficus down[/] "
        "(data is kept) · [bold]ficus reset[/] (wipes it)"
    )


def down() -> None:
    """Stop exactly the processes `ficus up` started; data is kept."""
    try:
        results = _stack().down()
    except StackError as exc:
        raise _fail(exc) from exc
    for result in results:
        console.print(f"{result.name}: {'stopped' if result.started else 'was not running'}")


def status() -> tuple[bool, str]:
    """Print the stack table; return whether all is healthy and the control database's URL."""
    try:
        stack = _stack()
    except StackError as exc:
        raise _fail(exc) from exc
    return _print_status(stack), stack.settings.postgres_url("ficus_control")


def reset(yes: bool) -> None:
    """Stop the stack and delete all of its data under .ficus/ (asks unless `yes`)."""
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
