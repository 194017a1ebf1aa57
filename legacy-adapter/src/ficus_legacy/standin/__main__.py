"""`python -m ficus_legacy.standin --port 18080`."""

from __future__ import annotations

from fastapi import FastAPI

from ficus_legacy.standin.app import create_app
from ficus_legacy.standin.settings import StandinSettings


def factory() -> FastAPI:
    """uvicorn's app factory for multi-worker runs; settings come from FICUS_LEGACY_*."""
    return create_app(StandinSettings())


if __name__ == "__main__":
    import typer

    from ficus_legacy.standin.cli import serve

    typer.run(serve)
