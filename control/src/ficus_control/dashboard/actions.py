"""Operators' actions: advance, roll back, re-enable a lane, resolve a conflict, each one call
of the admin API with the operator's own token (so gates, transitions and the audit log apply
as for the CLI).
Every POST needs the session's CSRF token; a viewer gets 403 and no change."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from ficus_control.dashboard.web import (
    PREFIX,
    Person,
    api,
    check_csrf,
    require_operator,
    signed_in,
    templates,
)

router = APIRouter(prefix=PREFIX)


async def _act(request: Request, person: Person, path: str, body: dict[str, Any]) -> Response:
    response = await api(request, person, "POST", path, body)
    ok = response.status_code == 200
    try:
        payload = response.json()
    except ValueError:  # not the API's JSON: say what came back
        payload = {"detail": f"{response.status_code} {response.text[:200]}"}
    context = {"ok": ok, "state": payload if ok else None, "error": payload.get("detail")}
    return templates.TemplateResponse(
        request, "_result.html", context, status_code=response.status_code
    )


async def _operator_form(request: Request, person: Person) -> dict[str, str]:
    form = await check_csrf(request, person.session)
    require_operator(person)
    return form


@router.post("/domains/{domain}/advance", response_class=HTMLResponse)
async def advance(domain: str, request: Request, person: Person = Depends(signed_in)) -> Response:
    form = await _operator_form(request, person)
    percent = form.get("percent", "").strip()
    body = {
        "direction": form.get("direction", "reads"),
        "stage": form.get("stage", ""),
        "percent": int(percent) if percent.isdigit() else None,
        "reason": form.get("reason", ""),
        "force": form.get("force") == "on",
    }
    return await _act(request, person, f"/api/v1/domains/{domain}/cutover", body)


@router.post("/domains/{domain}/rollback", response_class=HTMLResponse)
async def rollback(domain: str, request: Request, person: Person = Depends(signed_in)) -> Response:
    form = await _operator_form(request, person)
    body = {
        "direction": form.get("direction", "reads"),
        "to": form.get("to") or None,
        "reason": form.get("reason", ""),
    }
    return await _act(request, person, f"/api/v1/domains/{domain}/rollback", body)


@router.post("/domains/{domain}/reenable", response_class=HTMLResponse)
async def reenable(domain: str, request: Request, person: Person = Depends(signed_in)) -> Response:
    form = await _operator_form(request, person)
    body = {"reason": form.get("reason", "")}
    return await _act(request, person, f"/api/v1/domains/{domain}/reenable", body)


@router.post("/domains/{domain}/conflicts/resolve", response_class=HTMLResponse)
async def resolve_conflict(
    domain: str, request: Request, person: Person = Depends(signed_in)
) -> Response:
    """A decision on one of the domain's open conflicts, with a reason (the API audits it)."""
    form = await _operator_form(request, person)
    conflict = form.get("conflict", "").strip()
    if not conflict.isdigit():
        return templates.TemplateResponse(
            request, "_result.html", {"ok": False, "error": "give the conflict's id"}, 400
        )
    body = {"take": form.get("take", ""), "reason": form.get("reason", "")}
    path = f"/api/v1/domains/{domain}/conflicts/{conflict}/resolve"
    return await _act(request, person, path, body)


@router.post("/domains/{domain}/next", response_class=HTMLResponse)
async def plan_next(domain: str, request: Request, person: Person = Depends(signed_in)) -> Response:
    """The plan's next step for the domain, only if its exit criteria hold (or forced)."""
    form = await _operator_form(request, person)
    body = {"reason": form.get("reason", ""), "force": form.get("force") == "on"}
    return await _act(request, person, f"/api/v1/plan/{domain}/next", body)
