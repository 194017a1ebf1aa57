"""`/V1/carts/mine…` (customer token; the cart is the customer's active quote)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from ficus_standin.repositories import quotes
from ficus_standin.repositories.quotes import CartRef
from ficus_standin.routes import cart_ops
from ficus_standin.web import json_body, ok, require_customer, standin, store_of

router = APIRouter(prefix="/carts/mine")


def _mine(request: Request) -> CartRef:
    return CartRef(customer_id=require_customer(request))


@router.post("")
def create(request: Request) -> JSONResponse:
    ref = _mine(request)
    with standin(request).db.transaction() as conn:
        assert ref.customer_id is not None
        return ok(quotes.create_for_customer(conn, store_of(request, conn), ref.customer_id))


@router.get("")
def get(request: Request) -> JSONResponse:
    return cart_ops.get_cart(request, _mine(request))


@router.get("/items")
def items(request: Request) -> JSONResponse:
    return cart_ops.list_items(request, _mine(request))


@router.post("/items")
def add_item(request: Request, body: dict[str, Any] = Depends(json_body)) -> JSONResponse:
    return cart_ops.add_item(request, _mine(request), body)


@router.put("/items/{item_id}")
def update_item(
    item_id: int, request: Request, body: dict[str, Any] = Depends(json_body)
) -> JSONResponse:
    return cart_ops.update_item(request, _mine(request), item_id, body)


@router.delete("/items/{item_id}")
def remove_item(item_id: int, request: Request) -> JSONResponse:
    return cart_ops.remove_item(request, _mine(request), item_id)


@router.get("/totals")
def totals(request: Request) -> JSONResponse:
    return cart_ops.get_totals(request, _mine(request))


@router.post("/estimate-shipping-methods")
def estimate(request: Request, body: dict[str, Any] = Depends(json_body)) -> JSONResponse:
    return cart_ops.estimate(request, _mine(request), body)


@router.post("/shipping-information")
def shipping_information(
    request: Request, body: dict[str, Any] = Depends(json_body)
) -> JSONResponse:
    return cart_ops.shipping_information(request, _mine(request), body)


@router.post("/payment-information")
def payment_information(
    request: Request, body: dict[str, Any] = Depends(json_body)
) -> JSONResponse:
    return cart_ops.payment_information(request, _mine(request), body)


@router.put("/order")
def place_order(request: Request, body: dict[str, Any] = Depends(json_body)) -> JSONResponse:
    return cart_ops.payment_information(request, _mine(request), body)
