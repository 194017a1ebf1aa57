"""`ficus serve`: run the admin API (uvicorn)."""

from __future__ import annotations

import typer


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
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")


def register(app: typer.Typer) -> None:
    app.command()(serve)
