"""The Magento stand-in: Magento's REST V1 subset over the Magento schema (`create_app`)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from ficus_legacy.core.searchcriteria import SearchCriteriaError
from ficus_legacy.core.webapi_errors import InputError, WebapiError
from ficus_standin.db import Database, MysqlTarget, dict_cursor
from ficus_standin.eavcache import EavCache
from ficus_standin.routes import (
    addresses,
    carts,
    catalog,
    customer_accounts,
    customers,
    guest_carts,
    orders,
    products,
    store_routes,
    token_routes,
)
from ficus_standin.settings import StandinSettings
from ficus_standin.stores import StoreCache
from ficus_standin.web import Standin
from ficus_standin.webapi import WebapiMiddleware

log = logging.getLogger(__name__)
NO_ROUTE = "Request does not match any route."


def _v1() -> APIRouter:
    router = APIRouter(prefix="/V1")
    modules = (
        token_routes, products, catalog, customer_accounts, customers, addresses, guest_carts,
        carts, orders, store_routes,
    )  # fmt: skip
    for module in modules:
        router.include_router(module.router)
    return router


def _unique_id(prefix: str) -> object:
    def generate(route: APIRoute) -> str:
        return f"{prefix}_{route.name}_{'_'.join(sorted(route.methods or ()))}"

    return generate


async def _magento_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, WebapiError)
    return JSONResponse(exc.body(), status_code=exc.status)


async def _criteria_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SearchCriteriaError)
    return JSONResponse({"message": exc.message, "parameters": exc.parameters}, status_code=400)


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code in (404, 405):
        return JSONResponse({"message": NO_ROUTE}, status_code=404)
    return JSONResponse({"message": str(exc.detail)}, status_code=exc.status_code)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    name = str(first.get("loc", ("", "input"))[-1])
    return JSONResponse(InputError.invalid(name, first.get("input")).body(), status_code=400)


async def _internal_error(_: Request, exc: Exception) -> JSONResponse:
    report = f"webapi-{uuid.uuid4().hex[:13]}"
    log.exception("stand-in request failed (report %s)", report, exc_info=exc)
    message = f"Internal Error. Details are available in Magento log file. Report ID: {report}"
    return JSONResponse({"message": message}, status_code=500)


def create_app(settings: StandinSettings) -> FastAPI:
    """The stand-in app; one connection pool, opened lazily, closed at shutdown."""
    db = Database(MysqlTarget.from_url(settings.mysql_url.get_secret_value()), settings.pool_size)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        db.close()

    app = FastAPI(title="Magento stand-in", lifespan=lifespan)
    app.state.standin = Standin(settings=settings, db=db, stores=StoreCache(), eav=EavCache())
    app.add_middleware(WebapiMiddleware)
    app.add_exception_handler(WebapiError, _magento_error)
    app.add_exception_handler(SearchCriteriaError, _criteria_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _internal_error)
    v1 = _v1()
    app.include_router(v1, prefix="/rest/{store_code}", generate_unique_id_function=_unique_id("s"))  # type: ignore[arg-type]
    app.include_router(v1, prefix="/rest", generate_unique_id_function=_unique_id("d"))  # type: ignore[arg-type]

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        with db.transaction() as conn, dict_cursor(conn) as cur:
            cur.execute("SELECT 1")
        return {"status": "ok"}

    return app


def factory() -> FastAPI:
    """uvicorn's app factory for multi-worker runs; settings come from FICUS_LEGACY_*."""
    return create_app(StandinSettings())
