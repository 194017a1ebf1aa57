"""HTTP entrypoint: Magento-compatible search and listings, the native search API, health
and metrics. Errors are mapped here once: BadQuery → 400, EngineUnavailable → 503."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from ficus_legacy.core.searchcriteria import SearchCriteriaError, parse_search_criteria
from ficus_search.bootstrap import Components, build
from ficus_search.core.errors import BadQuery, EngineUnavailable
from ficus_search.core.magento import REQUEST_NAMES, Limits, search_body, to_query
from ficus_search.core.query import SearchQuery, SearchResult, make_query
from ficus_search.settings import SearchSettings
from ficus_search.storemap import StoreMap, TableLoader

NATIVE_PARAMS = {
    "q",
    "category",
    "price_min",
    "price_max",
    "in_stock",
    "sort",
    "page",
    "page_size",
    "store",
}


_ID = re.compile(r"[0-9]{1,10}")


def _bad(message: str, field: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {"message": message}
    if field:
        body["parameters"] = {"fieldName": field}
    return JSONResponse(body, status_code=400)


def _unavailable(exc: EngineUnavailable) -> JSONResponse:
    return JSONResponse(
        {"message": f"search is temporarily unavailable: {exc}"},
        status_code=503,
        headers={"Retry-After": "1"},
    )


def _store_id(stores: StoreMap, code: str) -> int:
    """The store id of a store code (sync's store events; inactive views resolve, as in
    Magento's webapi); an unknown code is a 400 naming the known ones."""
    found = stores.resolve(code)
    if found is None:
        known = ", ".join(sorted(stores.codes()))
        raise BadQuery(f'unknown store "{code}"; known: {known}', "store")
    return found


def _native_store(stores: StoreMap, code: str | None) -> int:
    """`store=` of the native API; absent: Magento's default store view."""
    if code:
        return _store_id(stores, code)
    default = stores.default()
    return default if default is not None else _store_id(stores, "default")


def _decimal(params: dict[str, str], name: str) -> Decimal | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise BadQuery(f'"{name}" must be a number, got "{raw}"', name) from None


def _int(params: dict[str, str], name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise BadQuery(f'"{name}" must be an integer, got "{raw}"', name) from None


def _bool(params: dict[str, str], name: str) -> bool | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    if raw.lower() in ("1", "true", "yes"):
        return True
    if raw.lower() in ("0", "false", "no"):
        return False
    raise BadQuery(f'"{name}" must be true or false, got "{raw}"', name)


def native_query(components: Components, request: Request, stores: StoreMap) -> SearchQuery:
    unknown = sorted(set(request.query_params) - NATIVE_PARAMS)
    if unknown:
        allowed = ", ".join(sorted(NATIVE_PARAMS))
        raise BadQuery(f'unknown parameter "{unknown[0]}"; supported: {allowed}', unknown[0])
    params = dict(request.query_params)
    categories: list[int] = []
    for raw in request.query_params.getlist("category"):
        for part in raw.split(","):
            if not _ID.fullmatch(part.strip()):
                raise BadQuery(f'"category" must be category ids, got "{raw}"', "category")
            categories.append(int(part))
    s = components.settings
    return make_query(
        _native_store(stores, params.get("store")),
        text=params.get("q"),
        max_length=s.max_query_length,
        max_page_size=s.max_page_size,
        category_ids=tuple(categories),
        price_min=_decimal(params, "price_min"),
        price_max=_decimal(params, "price_max"),
        in_stock=_bool(params, "in_stock"),
        sort=params.get("sort"),
        page=_int(params, "page", 1),
        page_size=_int(params, "page_size", 20),
        price_step=s.price_facet_step,
    )


def native_body(
    result: SearchResult, query: SearchQuery, docs: dict[int, dict[str, Any]]
) -> dict[str, Any]:
    names: dict[str, str] = {}
    for doc in docs.values():
        for category in doc.get("categories", []):
            names[str(category["id"])] = category["name"]
    items = []
    for hit in result.hits:
        doc = docs.get(hit.entity_id, {})
        items.append(
            {
                "id": hit.entity_id,
                "score": hit.score,
                "sku": doc.get("sku"),
                "name": doc.get("name"),
                "url_key": doc.get("url_key"),
                "final_price": doc.get("final_price"),
                "in_stock": doc.get("in_stock"),
            }
        )
    return {
        "total": result.total,
        "page": query.page,
        "page_size": query.page_size,
        "engine": result.engine,
        "items": items,
        "facets": {
            "category": [
                {"value": int(v.value), "label": names.get(v.value), "count": v.count}
                for v in result.category_facet
            ],
            "price": [
                {
                    "from": int(v.value.split("_")[0]),
                    "to": int(v.value.split("_")[1]),
                    "count": v.count,
                }
                for v in result.price_facet
            ],
        },
    }


@contextmanager
def _store_map(settings: SearchSettings) -> Iterator[StoreMap]:
    loader = TableLoader(settings.database_url)
    try:
        yield StoreMap(loader, settings.stores, max_age=settings.store_refresh_seconds)
    finally:
        loader.close()


def _limits(settings: SearchSettings) -> Limits:
    return Limits(settings.max_query_length, settings.max_page_size, settings.price_facet_step)


def create_app(
    settings: SearchSettings,
    components: Components | None = None,
    builder: Callable[[SearchSettings], Components] = build,
) -> FastAPI:
    """The app; with `components` given (tests), the caller owns their lifecycle."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if components is not None:
            app.state.components = components
            with _store_map(components.settings) as app.state.stores:
                yield
            return
        built = await run_in_threadpool(builder, settings)
        built.start()
        app.state.components = built
        try:
            with _store_map(built.settings) as app.state.stores:
                if built.consumer is not None:
                    built.hooks.on_store_change = app.state.stores.expire
                yield
        finally:
            await run_in_threadpool(built.stop)

    app = FastAPI(title="Ficus search", lifespan=lifespan)

    @app.exception_handler(BadQuery)
    async def bad_query(_: Request, exc: BadQuery) -> JSONResponse:
        return _bad(exc.message, exc.field)

    @app.exception_handler(SearchCriteriaError)
    async def bad_criteria(_: Request, exc: SearchCriteriaError) -> JSONResponse:
        return JSONResponse({"message": exc.message, "parameters": exc.parameters}, 400)

    @app.exception_handler(EngineUnavailable)
    async def unavailable(_: Request, exc: EngineUnavailable) -> JSONResponse:
        return _unavailable(exc)

    def comps(request: Request) -> Components:
        found: Components = request.app.state.components
        return found

    def stores(request: Request) -> StoreMap:
        found: StoreMap = request.app.state.stores
        return found

    @app.get("/rest/{store}/V1/search")
    def magento_search(store: str, request: Request) -> dict[str, Any]:
        c = comps(request)
        criteria = parse_search_criteria(request.query_params.multi_items())
        name = request.query_params.get("searchCriteria[requestName]") or request.query_params.get(
            "searchCriteria[request_name]"
        )
        if name not in REQUEST_NAMES:
            raise BadQuery(
                f"searchCriteria[requestName] must be one of: {', '.join(REQUEST_NAMES)}",
                "searchCriteria[requestName]",
            )
        store_id = _store_id(stores(request), store)
        query = to_query(criteria, store_id, _limits(c.settings))
        return search_body(c.service.search(query), criteria, name)

    @app.get("/v1/search")
    def native_search(request: Request) -> dict[str, Any]:
        c = comps(request)
        query = native_query(c, request, stores(request))
        result = c.service.search(query)
        return native_body(result, query, c.service.documents(result, query.store_id))

    @app.get("/healthz")
    def health(request: Request) -> JSONResponse:
        c = comps(request)
        engines = {"postgres": c.postgres.healthy()}
        if c.elasticsearch is not None:
            engines["elasticsearch"] = c.elasticsearch.healthy()
        consumer_ok = c.consumer is None or c.consumer.healthy
        ok = engines["postgres"] and (
            engines.get(c.settings.engine, True) or c.settings.on_engine_down == "fallback"
        )
        body = {"ok": ok, "engine": c.settings.engine, "engines": engines, "consumer": consumer_ok}
        return JSONResponse(body, status_code=200 if ok else 503)

    @app.get("/metrics")
    def metrics(request: Request) -> Response:
        return Response(
            generate_latest(comps(request).metrics.registry), media_type=CONTENT_TYPE_LATEST
        )

    return app
