"""Customer addresses: by id (admin), the customer's default billing/shipping, delete."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ficus_standin.repositories import customer_addresses
from ficus_standin.web import ok, require_admin, require_customer, standin

router = APIRouter()
MANAGE = "Magento_Customer::manage"


@router.get("/customers/addresses/{address_id}")
def get(address_id: int, request: Request) -> JSONResponse:
    """`AddressRepositoryInterface::getById` [Magento_Customer::manage]."""
    require_admin(request, MANAGE)
    with standin(request).db.transaction() as conn:
        return ok(customer_addresses.get(conn, address_id))


@router.get("/customers/me/billingAddress")
def my_billing(request: Request) -> JSONResponse:
    """`getDefaultBillingAddress` [self]: null without one."""
    return _default(request, require_customer(request), "billing")


@router.get("/customers/me/shippingAddress")
def my_shipping(request: Request) -> JSONResponse:
    """`getDefaultShippingAddress` [self]: null without one."""
    return _default(request, require_customer(request), "shipping")


@router.get("/customers/{customer_id}/billingAddress")
def billing(customer_id: int, request: Request) -> JSONResponse:
    require_admin(request, MANAGE)
    return _default(request, customer_id, "billing")


@router.get("/customers/{customer_id}/shippingAddress")
def shipping(customer_id: int, request: Request) -> JSONResponse:
    require_admin(request, MANAGE)
    return _default(request, customer_id, "shipping")


@router.delete("/addresses/{address_id}")
def delete(address_id: int, request: Request) -> JSONResponse:
    """`AddressRepositoryInterface::deleteById` [Magento_Customer::manage]."""
    require_admin(request, MANAGE)
    standin(request).db.run(lambda conn: customer_addresses.delete_by_id(conn, address_id))
    return ok(True)


def _default(request: Request, customer_id: int, kind: str) -> JSONResponse:
    with standin(request).db.transaction() as conn:
        return ok(customer_addresses.default(conn, customer_id, kind))
