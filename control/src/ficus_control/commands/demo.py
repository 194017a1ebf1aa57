"""`ficus demo`: synthetic shoppers through the proxy while catalog reads walk legacy → shadow
→ canary 10 % → canary 50 % → new → rollback, with the split, fallbacks, shadow mismatches and
sync lag printed live. Runs against the stack `ficus up` started (FICUS_CONTROL_* addresses)."""

from __future__ import annotations

import asyncio

import typer

from ficus_control.commands.common import api_client, err, handled


def demo(
    step_seconds: float = typer.Option(10.0, "--step-seconds", help="how long each stage runs"),
    rate: float = typer.Option(40.0, "--rate", help="shopper requests per second"),
) -> None:
    """Walk catalog reads through every stage under synthetic shopper traffic, live.

    Shoppers (admin-token product pages and listings, each with its own cohort cookie) go
    through the proxy while catalog reads move legacy → shadow → canary 10 % → canary 50 % →
    new → rollback to legacy, over the admin API. A refused gate is shown, then forced with
    reason "demo" (audited). Exit 1 if any shopper request failed.
    """
    if step_seconds <= 0 or rate <= 0:
        raise typer.BadParameter("--step-seconds and --rate must be positive")
    from ficus_control.commands.demo_run import rollback_to, run_demo  # httpx: only when run
    from ficus_control.commands.demo_view import DOMAIN, summarize
    from ficus_control.settings import ControlSettings

    settings = ControlSettings()
    with handled(), api_client() as client:
        token = client.http.headers["Authorization"].removeprefix("Bearer ")
        try:
            run = asyncio.run(run_demo(settings, client, token, step_seconds, rate))
        except KeyboardInterrupt:
            label = rollback_to(client, "legacy", "ficus demo: interrupted")
            err.print(f"interrupted; {DOMAIN} reads rolled back to {label}")
            raise typer.Exit(code=130) from None
    summarize(run.rows, run.notes)


def register(app: typer.Typer) -> None:
    app.command()(demo)
