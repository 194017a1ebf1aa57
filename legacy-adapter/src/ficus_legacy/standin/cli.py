"""`serve`: run the Magento stand-in with uvicorn."""

from __future__ import annotations

import typer

from ficus_legacy.standin.settings import StandinSettings


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(18080, help="Port to listen on."),
    workers: int = typer.Option(1, help="uvicorn worker processes."),
) -> None:
    """Serve Magento's REST V1 subset over the Magento database (FICUS_LEGACY_MYSQL_URL)."""
    import uvicorn

    from ficus_legacy.standin.app import create_app

    settings = StandinSettings()
    if workers > 1:
        uvicorn.run(
            "ficus_legacy.standin.__main__:factory",
            host=host,
            port=port,
            workers=workers,
            factory=True,
            log_level="warning",
        )
        return
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    """Add `serve` to a Typer app (the legacy CLI)."""
    app.command("serve")(serve)
