"""The hot read routes as plain Starlette endpoints: Magento's `GET /rest/{store}/V1/search`
and the native `GET /v1/search`. No FastAPI parameter validation or `jsonable_encoder` per
request: the query string is parsed once by the pure modules, the engine runs in the thread
pool (its drivers are blocking), and the body is written with orjson (its values are ints,
floats and strings only). Errors are raised and mapped once, by the app's handlers (`api`).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ficus_legacy.core.searchcriteria import parse_search_criteria
from ficus_search.bootstrap import Components
from ficus_search.core.errors import BadQuery
from ficus_search.core.magento import REQUEST_NAMES, Limits, search_body, to_query
from ficus_search.core.query import SearchQuery, SearchResult, make_query
from ficus_search.settings import SearchSettings
from ficus_search.storemap import StoreMap

JSON = "application/json"

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


def native_query(settings: SearchSettings, request: Request, stores: StoreMap) -> SearchQuery:
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
    s = settings
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


def _limits(settings: SearchSettings) -> Limits:
    return Limits(settings.max_query_length, settings.max_page_size, settings.price_facet_step)


def _request_name(request: Request) -> str:
    params = request.query_params
    name = params.get("searchCriteria[requestName]") or params.get("searchCriteria[request_name]")
    if name not in REQUEST_NAMES:
        raise BadQuery(
            f"searchCriteria[requestName] must be one of: {', '.join(REQUEST_NAMES)}",
            "searchCriteria[requestName]",
        )
    return name


def magento_answer(components: Components, stores: StoreMap, request: Request) -> bytes:
    """`/V1/search`'s body (in the thread pool: the store map and the engine block)."""
    criteria = parse_search_criteria(request.query_params.multi_items())
    name = _request_name(request)
    store_id = _store_id(stores, request.path_params["store"])
    query = to_query(criteria, store_id, _limits(components.settings))
    return orjson.dumps(search_body(components.service.search(query), criteria, name))


def native_answer(components: Components, stores: StoreMap, request: Request) -> bytes:
    query = native_query(components.settings, request, stores)
    result = components.service.search(query)
    docs = components.service.documents(result, query.store_id)
    return orjson.dumps(native_body(result, query, docs))


async def magento_search(request: Request) -> Response:
    """Magento's `searchInterface`: ids, scores, buckets and the total of a searchCriteria."""
    state = request.app.state
    body = await run_in_threadpool(magento_answer, state.components, state.stores, request)
    return Response(body, media_type=JSON)


async def native_search(request: Request) -> Response:
    """The native search: text, category, price range, stock, sort, page, facets."""
    state = request.app.state
    body = await run_in_threadpool(native_answer, state.components, state.stores, request)
    return Response(body, media_type=JSON)


def _get(path: str, endpoint: Any) -> Route:
    """GET only (Starlette would add HEAD), as the FastAPI routes were."""
    route = Route(path, endpoint)
    route.methods = {"GET"}
    return route


ROUTES = [_get("/rest/{store}/V1/search", magento_search), _get("/v1/search", native_search)]
