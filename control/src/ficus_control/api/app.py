"""The admin API application: `python -m ficus_control serve`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from ficus_control import dashboard
from ficus_control.api import conflicts, errors, plan, routes
from ficus_control.bootstrap import Control, bootstrap
from ficus_control.settings import ControlSettings


def create_app(settings: ControlSettings, control: Control | None = None) -> FastAPI:
    """The app over `control` (built from `settings` when not given)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.control.close()

    app = FastAPI(title="Ficus control plane", version="1", lifespan=lifespan)
    app.state.control = control or bootstrap(settings)
    app.state.settings = settings
    errors.install(app)
    app.include_router(routes.router)
    app.include_router(plan.router, prefix="/api/v1")
    app.include_router(conflicts.router, prefix="/api/v1")
    dashboard.install(app)

    @app.get("/healthz")
    def healthz() -> dict[str, bool]:
        return {"ok": True}

    return app
