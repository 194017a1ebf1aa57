"""The customer service's HTTP app: Magento's customer routes (`rest`), the route manifest,
health, readiness and metrics; every error mapped once to Magento's status and body.
`create_app(settings)` refuses to start without Magento's crypt key and runs the event consumer
in the app's lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from psycopg import Error as DatabaseError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ficus_customer import rest
from ficus_customer.bootstrap import bootstrap, signing_key
from ficus_customer.errors import Unavailable, WebapiError
from ficus_customer.settings import CustomerSettings
from ficus_customer.web import blocking, parts
from ficus_legacy.core.restpath import routed_scope
from ficus_legacy.core.searchcriteria import SearchCriteriaError

NO_ROUTE = "Request does not match any route."


async def healthz(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Ready when the customer database answers and the consumer is running (if enabled)."""
    components = parts(request)
    checks: dict[str, bool] = {}
    errors: dict[str, str] = {}
    try:
        await blocking(components.reads.ping)
        checks["database"] = True
    except DatabaseError as exc:
        checks["database"], errors["database"] = False, str(exc)
    if components.consumer is not None:
        checks["consumer"] = components.consumer.running
        if components.consumer.last_error:
            errors["consumer"] = components.consumer.last_error
    ready = all(checks.values())
    body = {"ready": ready, "checks": checks, "errors": errors}
    return JSONResponse(body, status_code=200 if ready else 503)


async def metrics(request: Request) -> Response:
    registry = parts(request).metrics.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


async def routes(_: Request) -> Response:
    return JSONResponse(rest.manifest())


def _error_body(exc: Exception) -> tuple[int, dict[str, Any], dict[str, str]]:
    """Map an error once: Magento's status and body (and Retry-After for a 503)."""
    if isinstance(exc, Unavailable):
        return exc.status, exc.body(), {"Retry-After": str(exc.retry_after)}
    if isinstance(exc, WebapiError):
        return exc.status, exc.body(), {}
    if isinstance(exc, SearchCriteriaError):
        return 400, {"message": exc.message, "parameters": exc.parameters}, {}
    return 500, {"message": "Internal Error. Details are available in Magento log file."}, {}


async def _handle(_: Request, exc: Exception) -> Response:
    status, body, headers = _error_body(exc)
    return JSONResponse(body, status_code=status, headers=headers)


async def _no_route(request: Request, exc: Exception) -> Response:
    """Magento's body for an unknown /rest route; a plain one elsewhere."""
    assert isinstance(exc, HTTPException)
    if request.url.path.startswith("/rest/") and exc.status_code in (404, 405):
        return JSONResponse({"message": NO_ROUTE}, status_code=404)
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)


OPS = [
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
    Route("/metrics", metrics, methods=["GET"]),
    Route("/_ficus/routes", routes, methods=["GET"]),
]


class MagentoPaths:
    """ASGI: a `/rest/…` path is routed without its trailing slashes, as Magento's router
    trims them (`ficus_legacy.core.restpath`), instead of Starlette's redirect."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope = dict(routed_scope(scope))
        await self.app(scope, receive, send)


def create_app(settings: CustomerSettings) -> Starlette:
    signing_key(settings)  # refuse to start without the key, before anything else

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        components = bootstrap(settings)
        app.state.components = components
        components.start()
        try:
            yield
        finally:
            components.close()

    handlers: dict[Any, Any] = {
        WebapiError: _handle,
        SearchCriteriaError: _handle,
        HTTPException: _no_route,
        Exception: _handle,
    }
    app = Starlette(routes=[*rest.ROUTES, *OPS], exception_handlers=handlers, lifespan=lifespan)
    app.add_middleware(MagentoPaths)
    return app
