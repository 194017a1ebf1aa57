"""Customers: get, search, create (anonymous), me (customer token)."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from ficus_legacy.core.webapi_body import section
from ficus_legacy.core.webapi_errors import InputError
from ficus_standin.db import Connection
from ficus_standin.repositories import customer_auth, customer_updates, customers
from ficus_standin.web import (
    envelope,
    json_body,
    ok,
    require_admin,
    require_customer,
    search_criteria,
    standin,
    store_of,
)

router = APIRouter(prefix="/customers")
ACL = "Magento_Customer::customer"


@router.get("/me")
def me(request: Request) -> JSONResponse:
    customer_id = require_customer(request)
    with standin(request).db.transaction() as conn:
        return ok(customers.get(conn, customer_id))


@router.put("/me")
def update_me(request: Request, body: dict[str, Any] = Depends(json_body)) -> JSONResponse:
    customer_id = require_customer(request)
    return standin(request).db.run(partial(_save, customer_id, section(body, "customer")))


def _save(customer_id: int, data: dict[str, Any], conn: Connection) -> JSONResponse:
    """`CustomerRepository::save` then the saved customer (one transaction, re-run on a
    deadlock: `Database.run`)."""
    customer_updates.update(conn, customer_id, data)
    return ok(customers.get(conn, customer_id))


@router.put("/me/password")
def change_password(request: Request, body: dict[str, Any] = Depends(json_body)) -> JSONResponse:
    """`changePasswordById` for the token's customer; its older tokens are revoked."""
    customer_id = require_customer(request)
    current, new = (_text(body, key) for key in ("currentPassword", "newPassword"))
    failure = standin(request).db.run(
        lambda conn: customer_auth.change_password(conn, customer_id, current, new)
    )
    if failure is not None:  # raised after the commit: the failure counts (lockout)
        raise failure
    return ok(True)


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str):
        raise InputError.required(key)
    return value


@router.post("/isEmailAvailable")
def email_available(request: Request, body: dict[str, Any] = Depends(json_body)) -> JSONResponse:
    """Anonymous: is `customerEmail` free in `websiteId` (default: the store's website)?

    Always true unless guest checkout login is enabled (Magento 2.4.7+'s default is off)."""
    email = body.get("customerEmail")
    if not isinstance(email, str) or not email:
        raise InputError.required("customerEmail")
    parts = standin(request)
    if not parts.settings.guest_checkout_login:
        return ok(True)
    with parts.db.transaction() as conn:
        website = body.get("websiteId") or store_of(request, conn).website_id
        return ok(customer_updates.email_available(conn, email, int(website)))


@router.get("/search")
def search(request: Request) -> JSONResponse:
    require_admin(request, ACL)
    criteria = search_criteria(request)
    with standin(request).db.transaction() as conn:
        items, total = customers.search(conn, criteria)
    return envelope(items, criteria, total)


@router.get("/{customer_id}")
def get(customer_id: int, request: Request) -> JSONResponse:
    require_admin(request, ACL)
    with standin(request).db.transaction() as conn:
        return ok(customers.get(conn, customer_id))


@router.put("/{customer_id}")
def update(
    customer_id: int, request: Request, body: dict[str, Any] = Depends(json_body)
) -> JSONResponse:
    require_admin(request, "Magento_Customer::manage")
    return standin(request).db.run(partial(_save, customer_id, section(body, "customer")))


@router.delete("/{customer_id}")
def delete(customer_id: int, request: Request) -> JSONResponse:
    """`deleteById` [Magento_Customer::delete]: the customer, its addresses and grid row."""
    require_admin(request, "Magento_Customer::delete")
    standin(request).db.run(lambda conn: customers.delete(conn, customer_id))
    return ok(True)


@router.post("")
def create(request: Request, body: dict[str, Any] = Depends(json_body)) -> JSONResponse:
    """Anonymous sign-up: `{"customer": {...}, "password": "..."}`."""
    data = section(body, "customer")
    password = body.get("password")
    secret = password if isinstance(password, str) else None
    return standin(request).db.run(partial(_create, request, data, secret))


def _create(
    request: Request, data: dict[str, Any], password: str | None, conn: Connection
) -> JSONResponse:
    customer_id = customers.create(conn, store_of(request, conn), data, password)
    return ok(customers.get(conn, customer_id))
