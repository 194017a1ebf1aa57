"""Signing in with a pasted token, and out; the session cookie is HttpOnly, SameSite=Strict.
A sign-in is the API's bearer check (`ficus_control.authn`): a client past the failure limit
gets the form back with 429 and Retry-After, before any token lookup."""

from __future__ import annotations

import math

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ficus_control.authn import authenticator_of, client_of
from ficus_control.dashboard.web import (
    COOKIE,
    PREFIX,
    check_csrf,
    dashboard_of,
    session_of,
    templates,
)
from ficus_control.errors import RateLimited, Unauthenticated

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
    check = authenticator_of(request).authenticate
    try:
        await run_in_threadpool(check, token or None, client_of(request))
    except RateLimited as exc:
        wait = math.ceil(exc.retry_after)
        refused = login_page(request, error=f"Too many failed sign-ins: try again in {wait} s.")
        refused.status_code = 429
        refused.headers["Retry-After"] = str(wait)
        return refused
    except Unauthenticated:
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
