"""`ficus domains`, `ficus audit`, `ficus gates`, `ficus diff`: read-only views over the
admin API."""

from __future__ import annotations

import typer

from ficus_control.commands import render
from ficus_control.commands.common import api_client, console, handled
from ficus_control.commands.plan import print_next


def domains() -> None:
    """Show every domain's cutover state (reads, writes, fail-open trip, version)."""
    with handled(), api_client() as client:
        render.domains(console, client.get("/domains"))


def audit(
    domain: str | None = typer.Option(None, "--domain", help="only this domain"),
    limit: int = typer.Option(20, "--limit", help="how many entries, 1..1000"),
    measured: bool = typer.Option(
        False,
        "--measured",
        help="add the measured values (gates, error rate, p99…) recorded with each entry",
    ),
    verify: bool = typer.Option(
        False, "--verify", help="walk the hash chain instead; exit 1 naming the first bad row"
    ),
) -> None:
    """Show the append-only audit log, newest first; or, with --verify, check that no row was
    changed or removed since it was written (each row's hash chains over the one before)."""
    if verify:
        with handled(), api_client() as client:
            report = client.get("/audit/verify")
        render.audit_verify(console, report)
        if not report["ok"]:
            raise typer.Exit(code=1)
        return
    with handled(), api_client() as client:
        rows = client.get("/audit", domain=domain, limit=limit)
    render.audit(console, rows, measured)


def gates(domain: str = typer.Argument(..., help="e.g. catalog")) -> None:
    """Evaluate the gates for moving a domain's reads beyond shadow, now, the writes gates
    (shown; they refuse a writes move, not this command), and the plan's criteria for the
    domain's next step. Exit 4 if a reads gate fails."""
    with handled(), api_client() as client:
        report = client.get(f"/gates/{domain}")
    render.gates(console, report)
    planned = report.get("plan")
    if planned is not None and planned["next"] is not None:
        print_next(console, domain, planned["next"])
    if not all(gate["passed"] for gate in report["gates"]):
        raise typer.Exit(code=4)


def diff(domain: str = typer.Argument(..., help="e.g. catalog")) -> None:
    """Show the shadow comparison of a domain from every proxy: counts, mismatch rate, samples."""
    with handled(), api_client() as client:
        render.diff(console, client.get(f"/diff/{domain}"))


def register(app: typer.Typer) -> None:
    app.command()(domains)
    app.command()(audit)
    app.command()(gates)
    app.command()(diff)
