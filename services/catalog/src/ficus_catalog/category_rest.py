"""Magento's category reads as plain Starlette routes (`GET /V1/categories`, `/categories/{id}`,
`/categories/list`, `/categories/{id}/products`) and configurable options, rendered from the
category and product tables by `CategoryReads`, queried in the thread pool. Parameters are
checked first (a bad integer is a 400 before the token is), as the stand-in's FastAPI
validation does."""

from __future__ import annotations

import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from ficus_catalog.core.body import json_bytes
from ficus_catalog.errors import InvalidValue
from ficus_catalog.rest import PRODUCTS_ACL, answer, catalog_of, get, require_admin, store_of
from ficus_legacy.core.searchcriteria import parse_search_criteria

CATEGORIES_ACL = "Magento_Catalog::categories"
_INTEGER = re.compile(r"[+-]?[0-9]+")


def _integer(name: str, raw: str | None) -> int | None:
    if raw is None:
        return None
    if not _INTEGER.fullmatch(raw.strip()):
        raise InvalidValue(name, raw)
    return int(raw)


async def category_tree(request: Request) -> Response:
    """CategoryManagementInterface::getTree: the store's root, or `rootCategoryId`, `depth`."""
    root = _integer("rootCategoryId", request.query_params.get("rootCategoryId"))
    depth = _integer("depth", request.query_params.get("depth"))
    await require_admin(request, CATEGORIES_ACL)
    store = await store_of(request)
    tree = await run_in_threadpool(catalog_of(request).categories.tree, store, root, depth)
    return answer(request, json_bytes(tree))


async def get_category(request: Request) -> Response:
    """CategoryRepositoryInterface::get as the request's store view sees it."""
    category_id = _integer("category_id", request.path_params["category_id"])
    assert category_id is not None
    await require_admin(request, CATEGORIES_ACL)
    store = await store_of(request)
    found = await run_in_threadpool(catalog_of(request).categories.one, category_id, store)
    return answer(request, json_bytes(found))


async def category_products(request: Request) -> Response:
    """CategoryLinkManagementInterface::getAssignedProducts as the request's store view sees it."""
    category_id = _integer("category_id", request.path_params["category_id"])
    assert category_id is not None
    await require_admin(request, CATEGORIES_ACL)
    store = await store_of(request)
    found = await run_in_threadpool(catalog_of(request).categories.products, category_id, store)
    return answer(request, json_bytes(found))


async def configurable_options(request: Request) -> Response:
    """OptionRepositoryInterface::getList (Magento_Catalog::products)."""
    await require_admin(request, PRODUCTS_ACL)
    store = await store_of(request)
    sku: str = request.path_params["sku"]
    reads = catalog_of(request).categories
    found = await run_in_threadpool(reads.configurable_options, sku, store)
    return answer(request, json_bytes(found))


async def category_list(request: Request) -> Response:
    """CategoryListInterface::getList: searchCriteria over the categories of the store view."""
    await require_admin(request, CATEGORIES_ACL)
    criteria = parse_search_criteria(request.query_params.multi_items())
    store = await store_of(request)
    page = await run_in_threadpool(catalog_of(request).categories.page, criteria, store)
    return answer(request, json_bytes(page))


ROUTES = [
    get("/rest/V1/categories/list", category_list),
    get("/rest/{store_code}/V1/categories/list", category_list),
    get("/rest/V1/categories", category_tree),
    get("/rest/{store_code}/V1/categories", category_tree),
    get("/rest/V1/categories/{category_id}/products", category_products),
    get("/rest/{store_code}/V1/categories/{category_id}/products", category_products),
    get("/rest/V1/configurable-products/{sku}/options/all", configurable_options),
    get("/rest/{store_code}/V1/configurable-products/{sku}/options/all", configurable_options),
    get("/rest/V1/categories/{category_id}", get_category),
    get("/rest/{store_code}/V1/categories/{category_id}", get_category),
]
