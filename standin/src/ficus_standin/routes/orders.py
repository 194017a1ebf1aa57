"""`GET /V1/orders/{id}` and `GET /V1/orders?searchCriteria…` (admin token)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ficus_standin.db import Connection
from ficus_standin.repositories import order_actions, orders
from ficus_standin.web import envelope, ok, require_admin, search_criteria, standin

router = APIRouter(prefix="/orders")
ACL = "Magento_Sales::actions_view"


@router.get("")
def search(request: Request) -> JSONResponse:
    require_admin(request, ACL)
    criteria = search_criteria(request)
    with standin(request).db.transaction() as conn:
        items, total = orders.search(conn, criteria)
    return envelope(items, criteria, total)


@router.get("/{order_id}")
def get(order_id: int, request: Request) -> JSONResponse:
    require_admin(request, ACL)
    with standin(request).db.transaction() as conn:
        return ok(orders.get(conn, order_id))


@router.get("/{order_id}/statuses")
def order_status(order_id: int, request: Request) -> JSONResponse:
    require_admin(request, ACL)
    with standin(request).db.transaction() as conn:
        return ok(order_actions.status(conn, order_id))


def _act(
    request: Request, order_id: int, action: Callable[[Connection, int], None]
) -> JSONResponse:
    require_admin(request, "Magento_Sales::actions")
    with standin(request).db.transaction() as conn:
        action(conn, order_id)
    return ok(True)


@router.post("/{order_id}/cancel")
def cancel(order_id: int, request: Request) -> JSONResponse:
    return _act(request, order_id, order_actions.cancel)


@router.post("/{order_id}/hold")
def hold(order_id: int, request: Request) -> JSONResponse:
    return _act(request, order_id, order_actions.hold)


@router.post("/{order_id}/unhold")
def unhold(order_id: int, request: Request) -> JSONResponse:
    return _act(request, order_id, order_actions.unhold)
