"""Every `ficus …` command in runbooks/reverse-sync.md exists and parses: control's own
commands against control's CLI, the delegated ones (`ficus sync …`, `ficus lag`,
`ficus conflicts …`) against sync's CLI, so the runbook cannot drift from either."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import typer

from ficus_control.cli import app as control_app
from ficus_sync.cli import app as sync_app

RUNBOOK = Path(__file__).resolve().parents[3] / "runbooks" / "reverse-sync.md"
DELEGATED = {"sync": [], "lag": ["lag"], "conflicts": ["conflicts"]}


def commands() -> list[list[str]]:
    blocks = re.findall(r"```bash\n(.*?)```", RUNBOOK.read_text(), re.S)
    lines = [ln for block in blocks for ln in block.splitlines() if ln.startswith("ficus ")]
    return [shlex.split(line, comments=True)[1:] for line in lines]


def parse(group: Any, args: list[str]) -> None:
    """Walk sub-groups to the command, then parse its options (UsageError on a bad one)."""
    command = group
    while args and args[0] in getattr(command, "commands", {}):
        command, args = command.commands[args[0]], args[1:]
    command.make_context(command.name or "ficus", list(args))


def test_every_runbook_command_parses() -> None:
    found = commands()
    assert len(found) >= 9
    control: Any = typer.main.get_command(control_app)
    sync: Any = typer.main.get_command(sync_app)
    for args in found:
        assert args[0] in control.commands, f"no such command: ficus {args[0]}"
        if args[0] in DELEGATED:
            parse(sync, [*DELEGATED[args[0]], *args[1:]])
        else:
            parse(control, args)
