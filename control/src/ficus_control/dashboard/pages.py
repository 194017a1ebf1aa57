"""The dashboard's pages and the fragments they poll (htmx) for live updates."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from ficus_contracts.cutover import Stage
from ficus_control.dashboard.web import PREFIX, Person, api, api_json, dashboard_of, signed_in
from ficus_control.dashboard.web import templates as t

router = APIRouter(prefix=PREFIX)
STAGES = [stage.value for stage in Stage]


def _page(request: Request, person: Person, name: str, **context: Any) -> Response:
    """The page `name`, or only its polled part (`_name`) when htmx asks for a refresh."""
    context |= {"person": person, "csrf": person.session.csrf, "stages": STAGES}
    partial = f"_{name}.html"
    if request.headers.get("hx-request"):
        response = t.TemplateResponse(request, partial, context)
    else:
        page = f"{name}.html" if name == "domain" else "polled.html"
        response = t.TemplateResponse(request, page, context | {"partial": partial})
    response.headers["Cache-Control"] = "no-store"  # live data, and a signed-in person's
    response.headers["Vary"] = "HX-Request"
    return response


async def _plan(request: Request, person: Person) -> dict[str, Any]:
    return {
        "title": "Migration plan",
        "domains": await api_json(request, person, "/api/v1/domains") or [],
        "plan": await api_json(request, person, "/api/v1/plan"),
    }


@router.get("/", response_class=HTMLResponse)
async def plan_page(request: Request, person: Person = Depends(signed_in)) -> Response:
    """The plan: every domain's lanes, its phase and steps, the next step's criteria."""
    return _page(request, person, "plan", **await _plan(request, person))


async def _domain(request: Request, person: Person, domain: str) -> dict[str, Any]:
    state = await api(request, person, "GET", f"/api/v1/domains/{domain}")
    if state.status_code != 200:
        raise HTTPException(state.status_code, state.json().get("detail", "unknown domain"))
    return {
        "domain": domain,
        "state": state.json(),
        "gates": await api_json(request, person, f"/api/v1/gates/{domain}"),
        "plan_domain": await api_json(request, person, f"/api/v1/plan/{domain}"),
        "diff": await api_json(request, person, f"/api/v1/diff/{domain}"),
        "audit": await api_json(request, person, f"/api/v1/audit?domain={domain}&limit=20"),
        "conflicts": (
            await api_json(request, person, f"/api/v1/domains/{domain}/conflicts") or {}
        ).get("conflicts"),
    }


@router.get("/domains/{domain}", response_class=HTMLResponse)
async def domain_page(
    domain: str, request: Request, person: Person = Depends(signed_in)
) -> Response:
    """One domain: lanes, cohort split, lag and mismatch charts, diffs, its audit timeline,
    and (for operators) the actions."""
    return _page(request, person, "domain", **await _domain(request, person, domain))


@router.get("/domains/{domain}/series")
def domain_series(domain: str, request: Request, _: Person = Depends(signed_in)) -> Response:
    """The sampled last hour of the domain's signals, for its charts."""
    return JSONResponse(dashboard_of(request).history.series(domain))


async def _audit(request: Request, person: Person) -> dict[str, Any]:
    verify = await api(request, person, "GET", "/api/v1/audit/verify")
    return {
        "title": "Audit log",
        "audit": await api_json(request, person, "/api/v1/audit?limit=200") or [],
        "verify": verify.json() if verify.status_code in (200, 409) else None,
        "verify_status": verify.status_code,
    }


@router.get("/audit", response_class=HTMLResponse)
async def audit_page(request: Request, person: Person = Depends(signed_in)) -> Response:
    """The audit log, newest first, with the result of verifying its hash chain."""
    return _page(request, person, "audit", **await _audit(request, person))
