"""The catalog's HTTP API (reads only): Magento-compatible product endpoints serving the JSON
rendered at apply (`rest`), the native `/v1/products`, health, readiness and metrics.
`create_app(settings)` runs the event consumer in the app's lifespan."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from ficus_catalog import category_rest, manifest, rest
from ficus_catalog.bootstrap import bootstrap, signing_key
from ficus_catalog.core.product_criteria import BadField
from ficus_catalog.errors import (
    CatalogError,
    InvalidAttribute,
    InvalidValue,
    NoSuchEntity,
    NotAuthorized,
    NotConfigurable,
    ProductNotFound,
    UnknownStore,
)
from ficus_catalog.native import native_product
from ficus_catalog.product_mapper import product_state
from ficus_catalog.rest import catalog_of
from ficus_catalog.settings import CatalogSettings
from ficus_feed.metrics import exposition
from ficus_legacy.core.configurable_json import ONLY_CONFIGURABLE
from ficus_legacy.core.fields import FieldsFilterError
from ficus_legacy.core.searchcriteria import SearchCriteriaError
from ficus_legacy.core.webapi_auth import not_authorized_body

PRODUCT_NOT_FOUND = (
    "The product that was requested doesn't exist. Verify the product and try again."
)
STORE_NOT_FOUND = "The store that was requested wasn't found. Verify the store and try again."
INVALID = 'Invalid value of "%value" provided for the %fieldName field.'
NO_ROUTE = "Request does not match any route."
NO_SUCH_ENTITY = "No such entity with %fieldName = %fieldValue"
INVALID_ATTRIBUTE = "Invalid attribute name: %1"


log = logging.getLogger(__name__)
native = APIRouter(prefix="/v1")


@native.get("/products")
def list_products(
    request: Request,
    limit: int = Query(50, ge=1, le=500),
    cursor: str | None = None,
    sku: str | None = None,
    category_id: int | None = None,
) -> dict[str, Any]:
    """Products by entity_id; pass `next_cursor` back as `cursor` for the next page."""
    after = int(cursor) if cursor and cursor.isdigit() else None
    products = catalog_of(request).reads.native_page(limit, after, sku, category_id)
    more = len(products) == limit
    return {
        "items": [native_product(p) for p in products],
        "next_cursor": str(products[-1].entity_id) if more else None,
    }


@native.get("/product-states")
def list_product_states(
    request: Request, limit: int = Query(200, ge=1, le=2000), cursor: str | None = None
) -> dict[str, Any]:
    """Every product as the `ProductState` it was rebuilt from (for reconciliation)."""
    after = int(cursor) if cursor and cursor.isdigit() else None
    products = catalog_of(request).reads.native_page(limit, after, None, None)
    return {
        "items": [
            {
                "id": str(p.uuid),
                "version": p.version,
                "state": product_state(p).model_dump(mode="json"),
            }
            for p in products
        ],
        "next_cursor": str(products[-1].entity_id) if len(products) == limit else None,
    }


@native.get("/dead-letters")
def dead_letters(request: Request, limit: int = Query(100, ge=1, le=1000)) -> dict[str, Any]:
    """Events the consumer could not apply, oldest first (replay: `python -m ficus_catalog dlq
    replay`)."""
    return {"items": catalog_of(request).dead_letters.letters(limit)}


@native.get("/products/{product_id}")
def get_native_product(request: Request, product_id: uuid.UUID) -> dict[str, Any]:
    product = catalog_of(request).reads.by_uuid(product_id)
    if product is None:
        raise ProductNotFound(str(product_id))
    return native_product(product)


ops = APIRouter()


@ops.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@ops.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """Ready when the catalog database answers and the consumer is running (if enabled)."""
    catalog = catalog_of(request)
    checks: dict[str, bool] = {}
    detail: dict[str, str] = {}
    try:
        catalog.reads.ping()
        checks["database"] = True
    except SQLAlchemyError:
        checks["database"] = False
    if catalog.consumer is not None:
        checks["consumer"] = catalog.consumer.running
        if catalog.consumer.last_error:
            detail["consumer"] = catalog.consumer.last_error
    ready = all(checks.values())
    body = {"ready": ready, "checks": checks, "errors": detail}
    return JSONResponse(body, status_code=200 if ready else 503)


@ops.get("/_ficus/routes")
def routes() -> dict[str, Any]:
    """The Magento routes this service answers (control and operators compare it with the
    proxy's route table)."""
    return manifest.manifest()


@ops.get("/metrics")
def metrics(request: Request) -> Response:
    """Every worker's metrics under `serve --workers N`, else this process's."""
    registry = catalog_of(request).metrics.registry
    return Response(exposition(registry), media_type=CONTENT_TYPE_LATEST)


def _error_body(exc: Exception) -> tuple[int, dict[str, Any]]:
    """Map an error once: Magento's status and body."""
    if isinstance(exc, UnknownStore):
        return 404, {"message": STORE_NOT_FOUND}
    if isinstance(exc, ProductNotFound):
        return 404, {"message": PRODUCT_NOT_FOUND}
    if isinstance(exc, NotConfigurable):
        return 400, {"message": ONLY_CONFIGURABLE, "parameters": [exc.sku]}
    if isinstance(exc, NoSuchEntity):
        return 404, {
            "message": NO_SUCH_ENTITY,
            "parameters": {"fieldName": exc.field, "fieldValue": exc.value},
        }
    if isinstance(exc, NotAuthorized):
        return 401, not_authorized_body(exc.resources)
    if isinstance(exc, BadField | InvalidValue):
        where, name = (exc.where, exc.name) if isinstance(exc, BadField) else (exc.field, exc.value)
        return 400, {"message": INVALID, "parameters": {"fieldName": where, "value": name}}
    if isinstance(exc, InvalidAttribute):
        return 400, {"message": INVALID_ATTRIBUTE, "parameters": [exc.name]}
    if isinstance(exc, SearchCriteriaError):
        return 400, {"message": exc.message, "parameters": exc.parameters}
    return 500, {"message": str(exc)}


async def _no_route(request: Request, exc: Exception) -> JSONResponse:
    """Magento's body for an unknown /rest route; FastAPI's elsewhere."""
    assert isinstance(exc, StarletteHTTPException)
    if request.url.path.startswith("/rest/") and exc.status_code in (404, 405):
        return JSONResponse({"message": NO_ROUTE}, status_code=404)
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)


async def _internal_error(_: Request, exc: Exception) -> JSONResponse:
    """Magento's 500 body (e.g. a `fields` sub-filter over a list of scalars, its TypeError)."""
    report = f"webapi-{uuid.uuid4().hex[:13]}"
    log.error("catalog request failed (report %s): %s", report, exc)
    message = f"Internal Error. Details are available in Magento log file. Report ID: {report}"
    return JSONResponse({"message": message}, status_code=500)


async def _handle(_: Request, exc: Exception) -> JSONResponse:
    status, body = _error_body(exc)
    return JSONResponse(body, status_code=status)


def create_app(settings: CatalogSettings) -> FastAPI:
    """The catalog's app; refuses (`MissingSetting`) without Magento's crypt key."""
    signing_key(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        catalog = bootstrap(settings)
        app.state.catalog = catalog
        await catalog.bodies.open()
        catalog.start()
        try:
            yield
        finally:
            catalog.close()
            await catalog.bodies.close()

    app = FastAPI(title="Ficus catalog", lifespan=lifespan)
    app.router.routes.extend([*rest.ROUTES, *category_rest.ROUTES])
    app.add_middleware(rest.MagentoPaths)
    for router in (native, ops):
        app.include_router(router)
    app.add_exception_handler(CatalogError, _handle)
    app.add_exception_handler(SearchCriteriaError, _handle)
    app.add_exception_handler(StarletteHTTPException, _no_route)
    app.add_exception_handler(FieldsFilterError, _internal_error)
    return app
