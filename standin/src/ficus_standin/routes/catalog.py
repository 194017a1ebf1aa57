"""Categories (tree, list, one, its products), configurable options, stock items and statuses
(admin token)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ficus_standin.repositories import (
    categories,
    category_products,
    category_search,
    configurable,
    stock,
)
from ficus_standin.web import envelope, ok, require_admin, search_criteria, standin, store_of

router = APIRouter()


@router.get("/categories")
def tree(
    request: Request,
    rootCategoryId: int | None = None,
    depth: int | None = None,  # noqa: N803
) -> JSONResponse:
    require_admin(request, "Magento_Catalog::categories")
    with standin(request).db.transaction() as conn:
        return ok(categories.tree(conn, store_of(request, conn), rootCategoryId, depth))


@router.get("/categories/list")
def category_list(request: Request) -> JSONResponse:
    """CategoryListInterface: each item is the category as `GET /V1/categories/{id}` has it."""
    require_admin(request, "Magento_Catalog::categories")
    criteria = search_criteria(request)
    parts = standin(request)
    with parts.db.transaction() as conn:
        store = store_of(request, conn)
        eav = parts.eav.get(conn, store.store_id)
        ids, total = category_search.search(conn, eav, criteria, store.store_id)
        items = [categories.get(conn, eav, store, category_id) for category_id in ids]
    return envelope(items, criteria, total)


@router.get("/categories/{category_id}")
def get_category(category_id: int, request: Request) -> JSONResponse:
    require_admin(request, "Magento_Catalog::categories")
    parts = standin(request)
    with parts.db.transaction() as conn:
        store = store_of(request, conn)
        return ok(categories.get(conn, parts.eav.get(conn, store.store_id), store, category_id))


@router.get("/categories/{category_id}/products")
def category_products_list(category_id: int, request: Request) -> JSONResponse:
    """CategoryLinkManagementInterface::getAssignedProducts in the request's store view."""
    require_admin(request, "Magento_Catalog::categories")
    with standin(request).db.transaction() as conn:
        return ok(category_products.assigned(conn, store_of(request, conn), category_id))


@router.get("/configurable-products/{sku}/options/all")
def configurable_options(sku: str, request: Request) -> JSONResponse:
    """OptionRepositoryInterface::getList (Magento_Catalog::products)."""
    require_admin(request, "Magento_Catalog::products")
    with standin(request).db.transaction() as conn:
        return ok(configurable.options(conn, sku, store_of(request, conn).store_id))


@router.get("/stockItems/{sku}")
def stock_item(sku: str, request: Request) -> JSONResponse:
    require_admin(request, "Magento_CatalogInventory::cataloginventory")
    with standin(request).db.transaction() as conn:
        return ok(stock.render(stock.by_sku(conn, sku)))


@router.get("/stockStatuses/{sku}")
def stock_status(sku: str, request: Request) -> JSONResponse:
    require_admin(request, "Magento_CatalogInventory::cataloginventory")
    with standin(request).db.transaction() as conn:
        return ok(stock.status_by_sku(conn, sku))
