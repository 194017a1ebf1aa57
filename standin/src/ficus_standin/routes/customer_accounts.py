"""Customers' account management beside the repository routes (Magento 2.4.8's
`AccountManagementInterface`): password reset, activation, confirmation, validate, readonly.
Registered before `customers` so that literal paths win over `/customers/{customerId}`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from ficus_legacy.core import recovery
from ficus_legacy.core.accounts import name_messages
from ficus_legacy.core.webapi_body import section
from ficus_legacy.core.webapi_errors import InputError
from ficus_standin.db import Connection
from ficus_standin.repositories import customer_recovery, customers
from ficus_standin.web import json_body, ok, require_admin, require_customer, standin, store_of

router = APIRouter(prefix="/customers")
MANAGE = "Magento_Customer::manage"


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise InputError.required(key)
    return value


@router.put("/password")
def initiate_reset(request: Request, body: dict[str, Any] = Depends(json_body)) -> JSONResponse:
    """Anonymous `initiatePasswordReset`: a reset token for the email (no mail is sent)."""
    email, template = _text(body, "email"), _text(body, "template")

    def initiate(conn: Connection) -> None:
        website = body.get("websiteId") or store_of(request, conn).website_id
        customer_recovery.initiate_reset(conn, email, int(website), template)

    standin(request).db.run(initiate)
    return ok(True)


@router.post("/resetPassword")
def reset_password(request: Request, body: dict[str, Any] = Depends(json_body)) -> JSONResponse:
    """Anonymous `resetPassword` with the token of `initiatePasswordReset`."""
    email, token, new = (_text(body, k) for k in ("email", "resetToken", "newPassword"))

    def reset(conn: Connection) -> None:
        website = store_of(request, conn).website_id
        customer_recovery.reset_password(conn, email, website, token, new)

    standin(request).db.run(reset)
    return ok(True)


@router.get("/{customer_id}/password/resetLinkToken/{token}")
def check_token(customer_id: int, token: str, request: Request) -> JSONResponse:
    """Anonymous `validateResetPasswordLinkToken`."""
    if customer_id <= 0:
        raise InputError.invalid("customerId", customer_id)
    with standin(request).db.transaction() as conn:
        customer_recovery.check_token(customer_recovery.by_id(conn, customer_id), token)
    return ok(True)


@router.put("/validate")
def validate(request: Request, body: dict[str, Any] = Depends(json_body)) -> JSONResponse:
    """`validate`: the customer EAV validator's verdict on the posted customer."""
    require_admin(request, MANAGE)
    messages = name_messages(section(body, "customer"))
    return ok({"valid": not messages, "messages": messages})


@router.put("/me/activate")
def activate_me(request: Request, body: dict[str, Any] = Depends(json_body)) -> JSONResponse:
    """`activateById` for the token's customer."""
    customer_id = require_customer(request)

    def activate(conn: Connection) -> JSONResponse:
        row = customer_recovery.by_id(conn, customer_id)
        customer_recovery.activate(conn, row, body.get("confirmationKey"))
        return ok(customers.get(conn, customer_id))

    return standin(request).db.run(activate)


@router.put("/{email}/activate")
def activate(
    email: str, request: Request, body: dict[str, Any] = Depends(json_body)
) -> JSONResponse:
    """`activate` by email in the store's website."""
    require_admin(request, MANAGE)

    def activate(conn: Connection) -> JSONResponse:
        row = customer_recovery.by_email(conn, email, store_of(request, conn).website_id)
        customer_recovery.activate(conn, row, body.get("confirmationKey"))
        return ok(customers.get(conn, int(row["entity_id"])))

    return standin(request).db.run(activate)


@router.get("/{customer_id}/confirm")
def confirmation_status(customer_id: int, request: Request) -> JSONResponse:
    """`getConfirmationStatus` (confirmation is not required: Magento's default)."""
    require_admin(request, MANAGE)
    with standin(request).db.transaction() as conn:
        row = customer_recovery.by_id(conn, customer_id)
    return ok(recovery.confirmation_status(row["confirmation"]))


@router.post("/confirm")
def resend_confirmation(
    request: Request, body: dict[str, Any] = Depends(json_body)
) -> JSONResponse:
    """`resendConfirmation` (void: Magento answers `[]`; no mail is sent)."""
    require_admin(request, MANAGE)
    email = _text(body, "email")
    website = body.get("websiteId")
    if website is None:
        raise InputError.required("websiteId")
    with standin(request).db.transaction() as conn:
        recovery.check_resend(customer_recovery.by_email(conn, email, int(website))["confirmation"])
    return ok([])


@router.get("/{customer_id}/permissions/readonly")
def readonly(customer_id: int, request: Request) -> JSONResponse:
    """`isReadonly`: every stored customer can be deleted, so false."""
    require_admin(request, "Magento_Customer::customer")
    with standin(request).db.transaction() as conn:
        customer_recovery.by_id(conn, customer_id)
    return ok(False)
