"""Signing in with a pasted token, and out; the session cookie is HttpOnly, SameSite=Strict."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ficus_control.dashboard.web import (
    COOKIE,
    PREFIX,
    check_csrf,
    control_of,
    dashboard_of,
    session_of,
    templates,
)

router = APIRouter(prefix=PREFIX)


def _set_cookie(request: Request, response: Response, session_id: str) -> None:
    response.set_cookie(
        COOKIE,
        session_id,
        path=PREFIX,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, error: str = "") -> Response:
    """The login form; a visitor without a session gets an anonymous one (for its CSRF)."""
    session = session_of(request) or dashboard_of(request).sessions.anonymous()
    context = {"csrf": session.csrf, "error": error, "person": None}
    response = templates.TemplateResponse(request, "login.html", context)
    _set_cookie(request, response, session.id)
    return response


@router.post("/login")
async def login(request: Request) -> Response:
    previous = session_of(request)
    form = await check_csrf(request, previous)
    token = form.get("token", "").strip()
    tokens = control_of(request).tokens
    principal = await run_in_threadpool(tokens.principal, token) if token else None
    if principal is None:
        return login_page(request, error="That token is not valid (or was revoked).")
    session = dashboard_of(request).sessions.login(previous, token)
    response = RedirectResponse(f"{PREFIX}/", status_code=303)
    _set_cookie(request, response, session.id)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    session = session_of(request)
    await check_csrf(request, session)
    if session is not None:
        dashboard_of(request).sessions.drop(session.id)
    response = RedirectResponse(f"{PREFIX}/login", status_code=303)
    response.delete_cookie(COOKIE, path=PREFIX)
    return response
