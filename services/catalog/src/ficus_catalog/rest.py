"""Magento's product reads as plain Starlette routes: no FastAPI dependency or validation
machinery per request; the bodies are stored bytes (`bodies`).

`GET /rest[/{store_code}]/V1/products/{sku}` and the searchCriteria list are async end to
end (`StoredBodies`: one statement each, which also resolves the store view).
Errors are raised as the catalog's and mapped once, by the app's handlers (`api`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ficus_catalog.bootstrap import Catalog
from ficus_catalog.core.body import json_bytes, page_body
from ficus_catalog.errors import BadSearchCriteria, ProductNotFound, UnknownStore
from ficus_legacy.core import fields
from ficus_legacy.core.product_types import PRODUCT_TYPES
from ficus_legacy.core.restpath import routed_scope
from ficus_legacy.core.searchcriteria import SearchCriteriaError, parse_search_criteria

PRODUCTS_ACL = "Magento_Catalog::products"
JSON = "application/json"
Endpoint = Callable[[Request], Awaitable[Response]]


def catalog_of(request: Request) -> Catalog:
    catalog: Catalog = request.app.state.catalog
    return catalog


async def require_admin(request: Request, resource: str = PRODUCTS_ACL) -> None:
    """Magento's ACL: the route's resource needs an admin token Magento would accept."""
    authorization = request.headers.get("authorization", "")
    await catalog_of(request).gate.require(authorization, (resource,))


async def store_of(request: Request) -> int:
    """The store view of `/rest/{store_code}/V1/…` (the default view without a code)."""
    catalog = catalog_of(request)
    code = request.path_params.get("store_code")
    store = await catalog.bodies.store_id(code)
    if store is None:
        raise UnknownStore(code or catalog.settings.default_store)
    return store


class MagentoPaths:
    """Routes `/rest/…/` as `/rest/…`: Magento trims trailing slashes (a search sent as
    `/V1/products/?searchCriteria…` is a search, not a redirect)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope = routed_scope(scope)
        await self.app(scope, receive, send)


def answer(request: Request, body: bytes) -> Response:
    """A stored JSON body, reduced by `?fields=` when the request asks (parsed only then)."""
    if b"fields" in request.scope.get("query_string", b""):
        wanted = fields.requested(request.query_params.multi_items())
        if wanted is not None:
            body = fields.filter_json(body, wanted)
    return Response(body, media_type=JSON)


async def get_product(request: Request) -> Response:
    """The product's stored JSON for the request's store view."""
    await require_admin(request)
    catalog = catalog_of(request)
    sku: str = request.path_params["sku"]
    code: str | None = request.path_params.get("store_code")
    found = await catalog.bodies.by_sku(sku, code)
    if found.store_id is None:
        raise UnknownStore(code or catalog.settings.default_store)
    if found.body is None:
        raise ProductNotFound(sku)
    return answer(request, found.body)


async def search_products(request: Request) -> Response:
    """searchCriteria: the page assembled from its products' stored JSON, the store view
    resolved in the page's statement. Magento resolves the store first: with bad criteria,
    an unknown store is still its 404."""
    await require_admin(request)
    catalog = catalog_of(request)
    code: str | None = request.path_params.get("store_code")
    try:
        criteria = parse_search_criteria(request.query_params.multi_items())
        page = await catalog.bodies.page(criteria, code)
    except (SearchCriteriaError, BadSearchCriteria):
        await store_of(request)
        raise
    if page is None:
        raise UnknownStore(code or catalog.settings.default_store)
    return answer(request, page_body(page.bodies, criteria.echo(), page.total_count))


async def product_types(request: Request) -> Response:
    """ProductTypeListInterface: the types a 2.4 install declares (no store lookup)."""
    await require_admin(request)
    return answer(request, json_bytes(list(PRODUCT_TYPES)))


def get(path: str, endpoint: Endpoint) -> Route:
    """GET only, as the FastAPI routes were (Starlette adds HEAD to a GET route by default;
    a HEAD stays Magento's "no route")."""
    route = Route(path, endpoint)
    route.methods = {"GET"}
    return route


ROUTES = [
    get("/rest/V1/products/types", product_types),
    get("/rest/{store_code}/V1/products/types", product_types),
    get("/rest/V1/products/{sku:path}", get_product),
    get("/rest/{store_code}/V1/products/{sku:path}", get_product),
    get("/rest/V1/products", search_products),
    get("/rest/{store_code}/V1/products", search_products),
]
