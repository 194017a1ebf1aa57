"""The one place where control-plane errors become HTTP statuses."""

from __future__ import annotations

import math

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from ficus_control import errors

_STATUS: list[tuple[type[errors.ControlError], int]] = [
    (errors.UnknownDomain, 404),
    (errors.InvalidRequest, 400),
    (errors.TransitionRefused, 409),
    (errors.GateRefused, 409),
    (errors.PlanRefused, 409),
    (errors.Unauthenticated, 401),
    (errors.Forbidden, 403),
    (errors.RateLimited, 429),
    (errors.StoreUnavailable, 503),
    (errors.SyncUnavailable, 503),
]


def status_of(exc: errors.ControlError) -> int:
    for kind, status in _STATUS:
        if isinstance(exc, kind):
            return status
    return 500


async def _handle(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, errors.ControlError)
    body: dict[str, object] = {"error": type(exc).__name__, "detail": str(exc)}
    if isinstance(exc, errors.GateRefused):
        body["failed_gates"] = [
            {"gate": r.name, "measured": r.measured, "threshold": r.threshold} for r in exc.failed
        ]
    if isinstance(exc, errors.PlanRefused):
        body["failed_criteria"] = exc.failed
    return JSONResponse(body, status_code=status_of(exc), headers=_headers(exc))


def _headers(exc: errors.ControlError) -> dict[str, str] | None:
    if isinstance(exc, errors.Unauthenticated):
        return {"WWW-Authenticate": "Bearer"}
    if isinstance(exc, errors.RateLimited):
        return {"Retry-After": str(math.ceil(exc.retry_after))}
    return None


def install(app: FastAPI) -> None:
    app.add_exception_handler(errors.ControlError, _handle)
