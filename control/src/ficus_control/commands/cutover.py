"""`ficus cutover`, `ficus rollback`, `ficus reenable`: change a domain's cutover over the
admin API (FICUS_CONTROL_API_URL, token from FICUS_TOKEN or .ficus/control/cli-token)."""

from __future__ import annotations

from typing import Any

import typer

from ficus_contracts.cutover import PERCENT_STAGES, Stage
from ficus_control.commands import render
from ficus_control.commands.common import actor, api_client, bad_input, console, handled

_READS_HELP = "shadow | canary (with --percent) | new | retired"
_WRITES_HELP = "dual (with --percent) | new | retired"


def cutover(
    domain: str = typer.Argument(..., help="e.g. catalog"),
    reads: Stage | None = typer.Option(None, "--reads", help=f"move reads to: {_READS_HELP}"),
    writes: Stage | None = typer.Option(None, "--writes", help=f"move writes to: {_WRITES_HELP}"),
    percent: int | None = typer.Option(None, "--percent", help="canary or dual share, 1..99"),
    force: bool = typer.Option(False, "--force", help="override failing gates (audited)"),
    reason: str = typer.Option("", "--reason", help="why; required with --force"),
) -> None:
    """Move a domain's reads and/or writes one stage forward (both: reads first, as two
    audited changes).

    Reads move legacy → shadow → canary N% → new → retired, writes legacy → dual N% → new →
    retired. Reads beyond shadow are gated on forward sync lag and the shadow mismatch rate;
    writes beyond legacy on reverse sync's health, the last reconciliation and the service's
    write routes. A refusal names the failing gate and its measured value. Exit codes: 2 bad
    input, 3 refused by a transition rule, 4 refused by a gate, 5 token, 6 API unreachable.
    """
    if reads is None and writes is None:
        raise bad_input("say what moves: --reads STAGE and/or --writes STAGE")
    if percent is not None and not PERCENT_STAGES & {reads, writes}:
        raise bad_input("--percent applies only to canary (reads) and dual (writes)")
    moves = [(d, s) for d, s in (("reads", reads), ("writes", writes)) if s is not None]
    with handled(), api_client() as client:
        for direction, stage in moves:
            body: dict[str, Any] = {
                "direction": direction,
                "stage": stage.value,
                "percent": percent if stage in PERCENT_STAGES else None,
                "force": force,
                "reason": reason,
                "actor": actor(),
            }
            state = client.post(f"/domains/{domain}/cutover", body)
            console.print(f"[green]✓[/] {domain} {direction} → {state[direction]['label']}")
    render.domains(console, [state])


def rollback(
    domain: str = typer.Argument(..., help="e.g. catalog"),
    reads: bool = typer.Option(False, "--reads", help="roll back reads (the default)"),
    writes: bool = typer.Option(False, "--writes", help="roll back writes"),
    to: Stage | None = typer.Option(None, "--to", help="target stage; default: one step back"),
    percent: int | None = typer.Option(None, "--percent", help="with --to canary or dual"),
    reason: str = typer.Option("", "--reason", help="why (audited)"),
    force: bool = typer.Option(
        False, "--force", help="writes: roll back without draining (needs --reason; audited)"
    ),
    drain_timeout: float = typer.Option(30.0, "--drain-timeout", help="writes: seconds"),
) -> None:
    """Roll a domain's reads (default) or writes back: one step, or --to an earlier stage.
    Never gated; every proxy replica follows within a second.

    Writes drain first: the domain's writes answer 503 with Retry-After while reverse sync
    applies the outbox to Magento, then the lane flips, the outbox is checked empty again and
    writes resume (each step audited). A drain that does not finish within --drain-timeout
    leaves the lane where it was (exit 3). --force --reason skips the drain."""
    if reads and writes:
        raise bad_input("roll back one lane at a time: --reads or --writes")
    direction = "writes" if writes else "reads"
    body = {
        "direction": direction,
        "to": to.value if to else None,
        "percent": percent,
        "reason": reason,
        "actor": actor(),
        "force": force,
        "drain_timeout": drain_timeout,
    }
    with handled(), api_client() as client:
        state = client.post(f"/domains/{domain}/rollback", body, timeout=drain_timeout + 15)
    console.print(f"[green]✓[/] {domain} {direction} rolled back → {state[direction]['label']}")
    render.domains(console, [state])


def reenable(
    domain: str = typer.Argument(..., help="e.g. catalog"),
    reason: str = typer.Option("", "--reason", help="why it is safe again (audited)"),
) -> None:
    """Re-enable a domain's read cutover after the fail-open policy tripped it."""
    with handled(), api_client() as client:
        state = client.post(f"/domains/{domain}/reenable", {"reason": reason, "actor": actor()})
    console.print(f"[green]✓[/] {domain} reads re-enabled at {state['reads']['label']}")
    render.domains(console, [state])


def register(app: typer.Typer) -> None:
    app.command()(cutover)
    app.command()(rollback)
    app.command()(reenable)
