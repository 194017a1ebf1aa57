"""`ficus plan`, `ficus plan next DOMAIN`, `ficus plan load [FILE]`: the phase plan over the
admin API (where each domain stands, its next step's criteria measured now, taking it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ficus_control.commands import render
from ficus_control.commands.common import api_client, bad_input, console, handled

app = typer.Typer(
    help="The phase plan: where every domain stands and what must hold for its next step.",
    invoke_without_command=True,
    rich_markup_mode=None,
)

_STATUS = {"met": "[green]met[/]", "unmet": "[red]unmet[/]", "no_evidence": "[red]no evidence[/]"}


@app.callback()
def show(ctx: typer.Context) -> None:
    """Every domain of the plan: phase, step, the next step's criteria (met, unmet, no
    evidence, with the measured value and how long each soak has held) and the command to run."""
    if ctx.invoked_subcommand is not None:
        return
    with handled(), api_client() as client:
        plan = client.get("/plan")
    print_plan(console, plan)


@app.command("next")
def next_step(
    domain: str = typer.Argument(..., help="e.g. catalog"),
    force: bool = typer.Option(False, "--force", help="take it although criteria fail (audited)"),
    reason: str = typer.Option("", "--reason", help="why; required with --force"),
) -> None:
    """Take the domain's next plan step, only if its criteria hold (--force --reason overrides,
    audited). Exit codes: 2 bad input, 3 refused by a transition rule or a missing stage,
    4 refused by the plan's criteria, 5 token, 6 API unreachable."""
    if force and not reason.strip():
        raise bad_input("--force needs a --reason; it is written to the audit log")
    with handled(), api_client() as client:
        before = client.get(f"/plan/{domain}")
        state = client.post(f"/plan/{domain}/next", {"force": force, "reason": reason or None})
    step = before["next"]["step"] if before.get("next") else "?"
    forced = " [red](forced)[/]" if force else ""
    console.print(f"[green]✓[/] {domain}: took step {step}{forced}")
    render.domains(console, [state])


@app.command("load")
def load(
    path: Path = typer.Argument(None, help="the plan file; default: control/plan.yaml"),
) -> None:
    """Validate a plan file and make control use it (stored by its content hash). A plan that
    names an unknown domain, stage or signal is refused, naming the file, domain and step."""
    from ficus_control.plan.loader import default_plan_path

    path = path or default_plan_path()
    try:
        text = path.read_text()
    except OSError as exc:
        raise bad_input(f"cannot read {path}: {exc}") from exc
    with handled(), api_client() as client:
        answer = client.post("/plan", {"source": str(path), "text": text})
    news = "stored" if answer["new"] else "already stored"
    console.print(f"[green]✓[/] plan {answer['version']} from {path} loaded ({news})")


def print_plan(out: Console, plan: dict[str, Any]) -> None:
    table = Table(title=f"Plan {plan['version']} ({plan['source']})")
    for column in ("domain", "phase", "at step", "reads", "writes", "next step", "ready"):
        table.add_column(column)
    for entry in plan["domains"]:
        following = entry["next"]
        ready = "—" if following is None else _ready(following)
        table.add_row(
            entry["domain"], str(entry["phase"]), entry["step"], entry["reads"]["label"],
            entry["writes"]["label"], following["step"] if following else "(done)", ready,
        )  # fmt: skip
    out.print(table)
    for entry in plan["domains"]:
        if entry["next"] is not None:
            print_next(out, entry["domain"], entry["next"])


def _ready(following: dict[str, Any]) -> str:
    if following["blocked"]:
        return "[red]blocked[/]"
    return "[green]yes[/]" if following["ready"] else "[red]no[/]"


def print_next(out: Console, domain: str, following: dict[str, Any]) -> None:
    """The criteria of a domain's next step (as the API's `next` carries them)."""
    if following["criteria"]:
        table = Table(title=f"{domain}: criteria for {following['step']}")
        for column in ("criterion", "status", "measured", "required", "soak held"):
            table.add_column(column)
        for c in following["criteria"]:
            soak = c["soak"]
            held = "—" if soak is None else f"{soak['held_s']:.0f}s / {soak['required_s']:.0f}s"
            table.add_row(
                c["name"], _STATUS[c["status"]], escape(c["measured"] or "no evidence"),
                escape(c["threshold"]), held,
            )  # fmt: skip
        out.print(table)
    if following["blocked"]:
        out.print(f"[red]blocked:[/] {escape(following['blocked'])}")
    else:
        out.print(f"next: [bold]{following['command']}[/]")
