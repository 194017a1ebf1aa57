"""Every `ficus …` command in the control-plane runbooks exists and parses (options, stages,
percent types), so a runbook cannot drift from the CLI."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer

from ficus_control.cli import app

RUNBOOKS = Path(__file__).resolve().parents[3] / "runbooks"
_BLOCK = re.compile(r"```bash\n(.*?)```", re.DOTALL)


def _commands(name: str) -> list[list[str]]:
    text = (RUNBOOKS / name).read_text()
    lines = [line for block in _BLOCK.findall(text) for line in block.splitlines()]
    return [shlex.split(line, comments=True)[1:] for line in lines if line.startswith("ficus ")]


@pytest.mark.parametrize("name", ["cutover-phase1.md", "rollback.md"])
def test_every_runbook_command_parses(name: str) -> None:
    commands = _commands(name)
    assert len(commands) >= 8
    root = typer.main.get_command(app)
    available = root.commands  # type: ignore[attr-defined]
    for args in commands:
        assert args[0] in available, f"no such command: ficus {args[0]}"
        sub = available[args[0]]
        if args[0] == "token":
            sub, args = sub.commands[args[1]], args[1:]
        sub.make_context(args[0], args[1:])  # raises a UsageError on a bad option or value
