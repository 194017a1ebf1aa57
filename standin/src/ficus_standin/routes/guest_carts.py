"""`/V1/guest-carts…` (anonymous; the cart is named by its masked id)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from ficus_standin.repositories import quotes
from ficus_standin.repositories.quotes import CartRef
from ficus_standin.routes import cart_ops
from ficus_standin.web import json_body, ok, standin, store_of

router = APIRouter(prefix="/guest-carts")


@router.post("")
def create(request: Request) -> JSONResponse:
    with standin(request).db.transaction() as conn:
        return ok(quotes.create_guest(conn, store_of(request, conn)))


@router.get("/{cart_id}")
def get(cart_id: str, request: Request) -> JSONResponse:
    return cart_ops.get_cart(request, CartRef(masked_id=cart_id))


@router.get("/{cart_id}/items")
def items(cart_id: str, request: Request) -> JSONResponse:
    return cart_ops.list_items(request, CartRef(masked_id=cart_id))


@router.post("/{cart_id}/items")
def add_item(
    cart_id: str, request: Request, body: dict[str, Any] = Depends(json_body)
) -> JSONResponse:
    return cart_ops.add_item(request, CartRef(masked_id=cart_id), body)


@router.put("/{cart_id}/items/{item_id}")
def update_item(
    cart_id: str, item_id: int, request: Request, body: dict[str, Any] = Depends(json_body)
) -> JSONResponse:
    return cart_ops.update_item(request, CartRef(masked_id=cart_id), item_id, body)


@router.delete("/{cart_id}/items/{item_id}")
def remove_item(cart_id: str, item_id: int, request: Request) -> JSONResponse:
    return cart_ops.remove_item(request, CartRef(masked_id=cart_id), item_id)


@router.get("/{cart_id}/totals")
def totals(cart_id: str, request: Request) -> JSONResponse:
    return cart_ops.get_totals(request, CartRef(masked_id=cart_id))


@router.post("/{cart_id}/estimate-shipping-methods")
def estimate(
    cart_id: str, request: Request, body: dict[str, Any] = Depends(json_body)
) -> JSONResponse:
    return cart_ops.estimate(request, CartRef(masked_id=cart_id), body)


@router.post("/{cart_id}/shipping-information")
def shipping_information(
    cart_id: str, request: Request, body: dict[str, Any] = Depends(json_body)
) -> JSONResponse:
    return cart_ops.shipping_information(request, CartRef(masked_id=cart_id), body)


@router.post("/{cart_id}/payment-information")
def payment_information(
    cart_id: str, request: Request, body: dict[str, Any] = Depends(json_body)
) -> JSONResponse:
    return cart_ops.payment_information(request, CartRef(masked_id=cart_id), body)
