"""`ficus <group> …` commands that belong to other deployables run as their own processes
(`python -m ficus_sync …`), so the control plane never imports them: they share data, not code.
The local dev stack's addresses, when ficus_devstack is installed, are passed down as
environment variables; the caller's own environment wins."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence

import typer

_PASS_THROUGH = {"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []}


def run_module(module: str, args: Sequence[str]) -> int:
    """Run `python -m module args…` with the local stack's environment; return its exit code."""
    env = {**_stack_environment(), **os.environ}
    return subprocess.call([sys.executable, "-m", module, *args], env=env)


def _stack_environment() -> Mapping[str, str]:
    try:
        from ficus_devstack.localstack import LocalStack
        from ficus_devstack.settings import StackSettings
    except ModuleNotFoundError as exc:  # a production control plane: no dev stack
        if exc.name != "ficus_devstack":
            raise
        return {}
    return LocalStack(StackSettings()).environment()


def register(
    app: typer.Typer, name: str, module: str, prefix: Sequence[str], help_text: str
) -> None:
    """Add `ficus <name> ARGS…` → `python -m <module> <prefix…> ARGS…`."""

    def command(ctx: typer.Context) -> None:
        raise typer.Exit(code=run_module(module, [*prefix, *ctx.args]))

    command.__doc__ = help_text
    app.command(name, context_settings=_PASS_THROUGH, add_help_option=False)(command)
