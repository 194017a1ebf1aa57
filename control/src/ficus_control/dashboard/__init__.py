"""The migration team's live web dashboard, served by control at /dashboard on its admin
listener, behind the same tokens as the API: `install(app)` mounts it on control's app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from ficus_control.dashboard import actions, login, pages
from ficus_control.dashboard.core.history import History
from ficus_control.dashboard.core.sessions import Sessions
from ficus_control.dashboard.sampler import Sampler
from ficus_control.dashboard.web import PREFIX, Dashboard, LoginRequired

__all__ = ["install"]


async def _to_login(request: Request, exc: Exception) -> Response:
    if request.headers.get("hx-request"):  # a poll from a page whose session ended
        return Response(status_code=204, headers={"HX-Redirect": f"{PREFIX}/login"})
    return RedirectResponse(f"{PREFIX}/login", status_code=303)


def install(app: FastAPI, sample_every: float = 5.0) -> None:
    """Routes, static files, sessions, and the sampler thread (it runs with the app's
    lifespan, wrapped around the app's own)."""
    history = History()
    app.state.dashboard = Dashboard(Sessions(), history)
    for module in (login, pages, actions):
        app.include_router(module.router, include_in_schema=False)
    static = StaticFiles(directory=Path(__file__).parent / "static")
    app.mount(f"{PREFIX}/static", static, name="dashboard-static")
    app.add_exception_handler(LoginRequired, _to_login)
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[Any]:
        sampler = Sampler(app.state.control, history, sample_every)
        sampler.start()
        try:
            async with inner(app) as state:
                yield state
        finally:
            sampler.stop()

    app.router.lifespan_context = lifespan
