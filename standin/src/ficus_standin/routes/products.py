"""Products: list (searchCriteria), get by sku, create, update, delete (admin token)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from ficus_legacy.core.product_types import PRODUCT_TYPES
from ficus_legacy.core.webapi_body import section
from ficus_standin.repositories import product_search, products, stock
from ficus_standin.web import (
    envelope,
    json_body,
    ok,
    require_admin,
    search_criteria,
    standin,
    store_of,
)

router = APIRouter(prefix="/products")
ACL = "Magento_Catalog::products"


@router.get("")
def search(request: Request) -> JSONResponse:
    require_admin(request, ACL)
    criteria = search_criteria(request)
    parts = standin(request)
    with parts.db.transaction() as conn:
        store = store_of(request, conn)
        eav = parts.eav.get(conn, store.store_id)
        ids, total = product_search.search(conn, eav, criteria, store.store_id)
        items = products.render_many(conn, eav, ids, store.store_id)
    return envelope(items, criteria, total)


@router.get("/types")
def types(request: Request) -> JSONResponse:
    """ProductTypeListInterface (declared before `/{sku}`, as Magento matches it first)."""
    require_admin(request, ACL)
    return ok(list(PRODUCT_TYPES))


@router.get("/{sku}")
def get(sku: str, request: Request) -> JSONResponse:
    require_admin(request, ACL)
    parts = standin(request)
    with parts.db.transaction() as conn:
        store = store_of(request, conn)
        return ok(products.get(conn, parts.eav.get(conn, store.store_id), sku, store.store_id))


def _save(request: Request, body: dict[str, Any], sku: str | None) -> JSONResponse:
    data = section(body, "product")
    parts = standin(request)
    with parts.db.transaction() as conn:
        store = store_of(request, conn)
        eav = parts.eav.get(conn, store.store_id)
        saved = products.save(conn, eav, store, data, sku)
        return ok(products.get(conn, eav, saved, store.store_id))


@router.post("")
def create(request: Request, body: dict[str, Any] = Depends(json_body)) -> JSONResponse:
    require_admin(request, ACL)
    return _save(request, body, None)


@router.put("/{sku}")
def update(sku: str, request: Request, body: dict[str, Any] = Depends(json_body)) -> JSONResponse:
    require_admin(request, ACL)
    return _save(request, body, sku)


@router.delete("/{sku}")
def delete(sku: str, request: Request) -> JSONResponse:
    require_admin(request, ACL)
    parts = standin(request)
    with parts.db.transaction() as conn:
        products.delete(conn, parts.eav.get(conn), sku)
    return ok(True)


@router.put("/{sku}/stockItems/{item_id}")
def update_stock(
    sku: str, item_id: int, request: Request, body: dict[str, Any] = Depends(json_body)
) -> JSONResponse:
    """Magento ignores the item id of the path and answers the real one."""
    require_admin(request, "Magento_CatalogInventory::cataloginventory")
    data = section(body, "stockItem")
    with standin(request).db.transaction() as conn:
        return ok(stock.update(conn, sku, data))
