"""What every dashboard route shares: templates, the signed-in person, CSRF checks, and calls
into control's own admin API in-process (the dashboard does exactly what the API allows)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from fastapi import HTTPException, Request
from fastapi.templating import Jinja2Templates

from ficus_control.authn import authenticator_of, client_of
from ficus_control.authn import control_of as control_of
from ficus_control.dashboard.core.history import History
from ficus_control.dashboard.core.sessions import Session, Sessions, csrf_ok
from ficus_control.errors import Unauthenticated
from ficus_control.tokens import Principal, Role

COOKIE = "ficus_dashboard"
PREFIX = "/dashboard"
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


@dataclass(frozen=True)
class Dashboard:
    """The dashboard's state on `app.state.dashboard`."""

    sessions: Sessions
    history: History


class LoginRequired(Exception):
    """No session, or its token was revoked: the person is sent to the login page."""


@dataclass(frozen=True)
class Person:
    """The signed-in person: a live session whose token is still valid."""

    session: Session
    principal: Principal

    @property
    def can_act(self) -> bool:
        return self.principal.role is Role.OPERATOR


def dashboard_of(request: Request) -> Dashboard:
    dashboard: Dashboard = request.app.state.dashboard
    return dashboard


def session_of(request: Request) -> Session | None:
    return dashboard_of(request).sessions.get(request.cookies.get(COOKIE))


def signed_in(request: Request) -> Person:
    """Dependency of every page: the token is checked again on each request (revocation bites
    within the API's token cache TTL: the same bearer check, `ficus_control.authn`)."""
    session = session_of(request)
    if session is None or session.token is None:
        raise LoginRequired
    try:
        principal = authenticator_of(request).authenticate(session.token, client_of(request))
    except Unauthenticated as exc:
        dashboard_of(request).sessions.drop(session.id)
        raise LoginRequired from exc
    return Person(session, principal)


async def check_csrf(request: Request, session: Session | None) -> dict[str, str]:
    """The posted form, once its CSRF token matched the session's; else 403."""
    form = {key: value for key, value in (await request.form()).items() if isinstance(value, str)}
    given = form.get("csrf") or request.headers.get("x-csrf-token")
    if session is None or not csrf_ok(session, given):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page")
    return form


def require_operator(person: Person) -> None:
    if not person.can_act:
        raise HTTPException(403, f"{person.principal.name!r} is a viewer; changes need an operator")


async def api(
    request: Request, person: Person, method: str, path: str, body: Any = None
) -> httpx.Response:
    """One call to control's admin API with the person's own token, without a socket."""
    transport = httpx.ASGITransport(app=request.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://control") as client:
        headers = {"Authorization": f"Bearer {person.session.token}"}
        return await client.request(method, path, headers=headers, json=body)


async def api_json(request: Request, person: Person, path: str) -> Any:
    """The JSON of a GET, or None when the API has no such route (404) or failed."""
    response = await api(request, person, "GET", path)
    return response.json() if response.status_code == 200 else None
