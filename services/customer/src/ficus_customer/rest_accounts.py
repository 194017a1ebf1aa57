"""Magento's account management routes of the customer service (`AccountManagementInterface`:
password reset, activation, confirmation, validate, readonly), answering as the stand-in does.
Their rows come before `/customers/{customerId}` in `rest.TABLE`."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ficus_customer.errors import InputError
from ficus_customer.recovery import Recovery
from ficus_customer.web import blocking, json_body, ok, parts, require_admin, require_customer
from ficus_customer.web import store_code as store_of
from ficus_legacy.core.accounts import name_messages
from ficus_legacy.core.customer_json import render_customer
from ficus_legacy.core.webapi_body import section

MANAGE = "Magento_Customer::manage"


def _recovery(request: Request) -> Recovery:
    return Recovery(parts(request).accounts)


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise InputError.required(key)
    return value


async def initiate_reset(request: Request) -> Response:
    """Anonymous `initiatePasswordReset`: a reset token for the email (no mail is sent)."""
    body = await json_body(request)
    email, template = _text(body, "email"), _text(body, "template")
    call = _recovery(request).initiate_reset
    await blocking(call, store_of(request), email, body.get("websiteId"), template)
    return ok(request, True)


async def reset_password(request: Request) -> Response:
    """Anonymous `resetPassword` with the token of `initiatePasswordReset`."""
    body = await json_body(request)
    email, token, new = (_text(body, k) for k in ("email", "resetToken", "newPassword"))
    await blocking(_recovery(request).reset_password, store_of(request), email, token, new)
    return ok(request, True)


async def check_token(request: Request) -> Response:
    """Anonymous `validateResetPasswordLinkToken`."""
    customer_id, token = request.path_params["customer_id"], request.path_params["token"]
    await blocking(_recovery(request).check_token, customer_id, token)
    return ok(request, True)


async def validate(request: Request) -> Response:
    """`validate`: the customer EAV validator's verdict on the posted customer."""
    await require_admin(request, MANAGE)
    messages = name_messages(section(await json_body(request), "customer"))
    return ok(request, {"valid": not messages, "messages": messages})


async def activate_me(request: Request) -> Response:
    """`activateById` for the token's customer."""
    customer_id = await require_customer(request)
    key = (await json_body(request)).get("confirmationKey")
    state = await blocking(_recovery(request).activate_by_id, customer_id, key)
    return ok(request, render_customer(state))


async def activate(request: Request) -> Response:
    """`activate` by email in the store's website."""
    await require_admin(request, MANAGE)
    key = (await json_body(request)).get("confirmationKey")
    email = request.path_params["email"]
    state = await blocking(_recovery(request).activate, store_of(request), email, key)
    return ok(request, render_customer(state))


async def confirmation_status(request: Request) -> Response:
    """`getConfirmationStatus` (confirmation is not required: Magento's default)."""
    await require_admin(request, MANAGE)
    customer_id = request.path_params["customer_id"]
    return ok(request, await blocking(_recovery(request).confirmation, customer_id))


async def resend_confirmation(request: Request) -> Response:
    """`resendConfirmation` (void: Magento answers `[]`; no mail is sent)."""
    await require_admin(request, MANAGE)
    body = await json_body(request)
    email, website = _text(body, "email"), body.get("websiteId")
    if website is None:
        raise InputError.required("websiteId")
    await blocking(_recovery(request).resend, email, int(website))
    return ok(request, [])


async def readonly(request: Request) -> Response:
    """`isReadonly`: every stored customer can be deleted, so false."""
    await require_admin(request, "Magento_Customer::customer")
    customer_id = request.path_params["customer_id"]
    return ok(request, await blocking(_recovery(request).readonly, customer_id))


TABLE = [
    ("PUT", "/V1/customers/password", initiate_reset),
    ("POST", "/V1/customers/resetPassword", reset_password),
    ("PUT", "/V1/customers/validate", validate),
    ("PUT", "/V1/customers/me/activate", activate_me),
    ("POST", "/V1/customers/confirm", resend_confirmation),
    ("GET", "/V1/customers/{customerId}/password/resetLinkToken/{resetPasswordLinkToken}",
     check_token),
    ("GET", "/V1/customers/{customerId}/permissions/readonly", readonly),
    ("GET", "/V1/customers/{customerId}/confirm", confirmation_status),
    ("PUT", "/V1/customers/{email}/activate", activate),
]  # fmt: skip
