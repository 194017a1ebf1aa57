"""`ficus serve`: run the admin API (uvicorn)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import typer

from ficus_control.commands.common import console, err, handled

if TYPE_CHECKING:
    from ficus_control.bootstrap import Control


def serve(
    host: str | None = typer.Option(None, "--host", help="default FICUS_CONTROL_HOST"),
    port: int | None = typer.Option(None, "--port", help="default FICUS_CONTROL_PORT (18083)"),
) -> None:
    """Serve the admin API: /api/v1/… and /healthz. Settings from FICUS_CONTROL_*."""
    import uvicorn

    from ficus_control.api import create_app
    from ficus_control.settings import ControlSettings

    settings = ControlSettings()
    updates = {k: v for k, v in {"host": host, "port": port}.items() if v is not None}
    settings = settings.model_copy(update=updates)
    with handled():  # e.g. an invalid plan file: refused with file, domain, step and word
        app = create_app(settings)
        _store_plan(app.state.control)
    stop = threading.Event()
    if app.state.control.plan is not None:  # the soak clocks tick while nobody looks
        threading.Thread(target=app.state.control.plan.sample, args=(stop,), daemon=True).start()
    try:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")
    finally:
        stop.set()


def _store_plan(control: Control) -> None:
    """Record the plan control starts with (by version) in its database."""
    from ficus_control.errors import StoreUnavailable

    if control.plan is None:
        return
    plan = control.plan.plan
    try:
        new = control.plan.load()
    except StoreUnavailable as exc:
        err.print(f"[yellow]warning:[/] plan {plan.version} not stored yet: {exc}")
        return
    console.print(f"plan {plan.version} ({plan.source}){' stored' if new else ''}")


def register(app: typer.Typer) -> None:
    app.command()(serve)
