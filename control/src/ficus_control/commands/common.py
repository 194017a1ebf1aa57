"""What every control-plane command shares: consoles, the API client, error → exit code."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from ficus_control import errors

if TYPE_CHECKING:
    from ficus_control.client import ControlClient

console = Console()
err = Console(stderr=True)

EXIT_BAD_INPUT = 2
EXIT_REFUSED = 3
EXIT_GATE = 4
EXIT_AUTH = 5
EXIT_UNAVAILABLE = 6


def exit_code(exc: errors.ControlError) -> int:
    if isinstance(exc, errors.ApiRefused):
        if exc.kind in ("GateRefused", "PlanRefused"):
            return EXIT_GATE
        return {409: EXIT_REFUSED, 401: EXIT_AUTH, 403: EXIT_AUTH}.get(
            exc.status, EXIT_UNAVAILABLE if exc.status >= 500 else EXIT_BAD_INPUT
        )
    if isinstance(exc, errors.GateRefused | errors.PlanRefused):
        return EXIT_GATE
    if isinstance(exc, errors.TransitionRefused):
        return EXIT_REFUSED
    if isinstance(exc, errors.AuthError):
        return EXIT_AUTH
    if isinstance(exc, errors.ApiUnavailable | errors.StoreUnavailable):
        return EXIT_UNAVAILABLE
    return EXIT_BAD_INPUT


@contextmanager
def handled() -> Iterator[None]:
    """Print a control-plane error clearly and exit non-zero."""
    try:
        yield
    except errors.ControlError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(code=exit_code(exc)) from exc


@contextmanager
def api_client() -> Iterator[ControlClient]:
    from ficus_control.client import ControlClient  # httpx and pydantic: only when used
    from ficus_control.settings import ControlSettings

    client = ControlClient.from_settings(ControlSettings())
    try:
        yield client
    finally:
        client.close()


def actor() -> str:
    return f"cli:{getpass.getuser()}"


def bad_input(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code=EXIT_BAD_INPUT)
