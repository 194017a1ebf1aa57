"""Magento's customer routes as plain Starlette routes (`/rest[/{store_code}]/V1/…`), answering
as Magento 2.4.8 (and the stand-in) do: the customer JSON of `ficus_legacy.core.customer_json`,
Magento's error bodies (mapped once, in `api`). Database work runs in the thread pool."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ficus_contracts.customers import CustomerState
from ficus_customer import idempotency, rest_accounts
from ficus_customer.errors import BAD_SIGN_IN, AuthenticationFailed, InputError
from ficus_customer.web import (
    blocking,
    json_body,
    ok,
    parts,
    require_admin,
    require_customer,
    search_criteria,
    store_code,
)
from ficus_legacy import tokens
from ficus_legacy.core.customer_json import render_address, render_customer
from ficus_legacy.core.webapi_body import section

Endpoint = Callable[[Request], Awaitable[Response]]
ACL = "Magento_Customer::customer"
MANAGE = "Magento_Customer::manage"
DELETE = "Magento_Customer::delete"


def _customer(request: Request, state: CustomerState) -> JSONResponse:
    return ok(request, render_customer(state))


async def get_me(request: Request) -> Response:
    customer_id = await require_customer(request)
    return _customer(request, await blocking(parts(request).reads.customer, customer_id))


async def put_me(request: Request) -> Response:
    customer_id = await require_customer(request)
    data = section(await json_body(request), "customer")
    return _customer(request, await blocking(parts(request).accounts.update, customer_id, data))


async def _default_address(request: Request, customer_id: int, flag: str) -> Response:
    """The customer's default billing/shipping address; null without one."""
    state = await blocking(parts(request).reads.customer, customer_id)
    wanted = getattr(state, flag)
    found = next((a for a in state.addresses if a.entity_id == wanted), None)
    return ok(request, None if found is None else render_address(found, state))


async def my_billing(request: Request) -> Response:
    return await _default_address(request, await require_customer(request), "default_billing")


async def my_shipping(request: Request) -> Response:
    return await _default_address(request, await require_customer(request), "default_shipping")


async def billing(request: Request) -> Response:
    await require_admin(request, MANAGE)
    customer_id: int = request.path_params["customer_id"]
    return await _default_address(request, customer_id, "default_billing")


async def shipping(request: Request) -> Response:
    await require_admin(request, MANAGE)
    customer_id: int = request.path_params["customer_id"]
    return await _default_address(request, customer_id, "default_shipping")


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str):
        raise InputError.required(key)
    return value


async def change_password(request: Request) -> Response:
    customer_id = await require_customer(request)
    body = await json_body(request)
    current, new = _text(body, "currentPassword"), _text(body, "newPassword")
    failure = await blocking(parts(request).accounts.change_password, customer_id, current, new)
    if failure is not None:  # raised after the commit: the failure counts (lockout)
        raise failure
    return ok(request, True)


async def email_available(request: Request) -> Response:
    """Anonymous: is `customerEmail` free in `websiteId` (default: the store's website)?
    Always true unless guest checkout login is enabled (Magento 2.4.7+'s default is off)."""
    body = await json_body(request)
    email = body.get("customerEmail")
    if not isinstance(email, str) or not email:
        raise InputError.required("customerEmail")
    if not parts(request).settings.guest_checkout_login:
        return ok(request, True)
    reads = parts(request).reads
    website = body.get("websiteId") or (await blocking(reads.store, store_code(request))).website_id
    return ok(request, await blocking(reads.email_available, email, int(website)))


async def search(request: Request) -> Response:
    await require_admin(request, ACL)
    criteria = search_criteria(request)
    states, total = await blocking(parts(request).reads.search, criteria)
    items = [render_customer(s) for s in states]
    return ok(request, {"items": items, "search_criteria": criteria.echo(), "total_count": total})


async def get_customer(request: Request) -> Response:
    await require_admin(request, ACL)
    customer_id: int = request.path_params["customer_id"]
    return _customer(request, await blocking(parts(request).reads.customer, customer_id))


async def put_customer(request: Request) -> Response:
    await require_admin(request, MANAGE)
    customer_id: int = request.path_params["customer_id"]
    data = section(await json_body(request), "customer")
    return _customer(request, await blocking(parts(request).accounts.update, customer_id, data))


async def delete_customer(request: Request) -> Response:
    await require_admin(request, DELETE)
    await blocking(parts(request).accounts.delete, request.path_params["customer_id"])
    return ok(request, True)


async def get_address(request: Request) -> Response:
    await require_admin(request, MANAGE)
    address, state = await blocking(parts(request).reads.address, request.path_params["address_id"])
    return ok(request, render_address(address, state))


async def delete_address(request: Request) -> Response:
    await require_admin(request, MANAGE)
    await blocking(parts(request).accounts.delete_address, request.path_params["address_id"])
    return ok(request, True)


def _create(request: Request, body: dict[str, Any], raw: bytes) -> tuple[int, Any]:
    """The sign-up in one transaction, with the Idempotency-Key claimed in it."""
    components = parts(request)
    data, password = section(body, "customer"), body.get("password")
    key = request.headers.get("idempotency-key")
    with components.accounts.transaction() as conn:
        if key:
            digest = idempotency.request_hash("POST", request.url.path, raw)
            first = idempotency.claim(conn, key, digest, components.settings.idempotency_hours)
            if first is not None:
                return first.status, first.body
        password = password if isinstance(password, str) else None
        state = components.accounts.create(conn, store_code(request), data, password)
        answer = idempotency.Answer(200, render_customer(state))
        if key:
            idempotency.record(conn, key, answer)
    return answer.status, answer.body


async def create_customer(request: Request) -> Response:
    """Anonymous sign-up: `{"customer": {...}, "password": "..."}`."""
    raw = await request.body()
    body = await json_body(request)
    status, content = await blocking(_create, request, body, raw)
    return ok(request, content, status)


async def customer_token(request: Request) -> Response:
    """Sign-in: Magento's customer JWT (uid, utypid 3) signed with the key from crypt/key."""
    body = await json_body(request)
    username, password = _text(body, "username"), _text(body, "password")
    components = parts(request)
    sign_in = components.accounts.sign_in
    customer_id = await blocking(sign_in, store_code(request), username, password)
    if customer_id is None:  # raised after the commit: failures count (lockout)
        raise AuthenticationFailed(BAD_SIGN_IN)
    ttl = components.settings.token_ttl_seconds
    token = tokens.issue(
        components.signing_key, customer_id, tokens.UserType.CUSTOMER, ttl_seconds=ttl
    )
    return ok(request, token)


# (method, Magento path in routes.yaml notation, endpoint), the most specific paths first
TABLE: list[tuple[str, str, Endpoint]] = [
    *rest_accounts.TABLE,
    ("GET", "/V1/customers/me/billingAddress", my_billing),
    ("GET", "/V1/customers/me/shippingAddress", my_shipping),
    ("PUT", "/V1/customers/me/password", change_password),
    ("GET", "/V1/customers/me", get_me),
    ("PUT", "/V1/customers/me", put_me),
    ("POST", "/V1/customers/isEmailAvailable", email_available),
    ("GET", "/V1/customers/search", search),
    ("GET", "/V1/customers/addresses/{addressId}", get_address),
    ("GET", "/V1/customers/{customerId}/billingAddress", billing),
    ("GET", "/V1/customers/{customerId}/shippingAddress", shipping),
    ("GET", "/V1/customers/{customerId}", get_customer),
    ("PUT", "/V1/customers/{customerId}", put_customer),
    ("DELETE", "/V1/customers/{customerId}", delete_customer),
    ("DELETE", "/V1/addresses/{addressId}", delete_address),
    ("POST", "/V1/customers", create_customer),
    ("POST", "/V1/integration/customer/token", customer_token),
]
_PARAMETERS = {
    "{customerId}": "{customer_id:int}",
    "{addressId}": "{address_id:int}",
    "{resetPasswordLinkToken}": "{token}",
}


def manifest() -> dict[str, Any]:
    """`GET /_ficus/routes`: the Magento routes this service answers (control refuses to move
    a lane the service does not cover)."""
    return {"domain": "customer", "routes": [{"method": m, "path": p} for m, p, _ in TABLE]}


def _route(method: str, path: str, endpoint: Endpoint) -> Route:
    for magento, starlette in _PARAMETERS.items():
        path = path.replace(magento, starlette)
    route = Route(path, endpoint, methods=[method])
    route.methods = {method}  # no HEAD beside GET: a HEAD stays Magento's "no route"
    return route


ROUTES = [
    _route(method, prefix + path, endpoint)
    for method, path, endpoint in TABLE
    for prefix in ("/rest", "/rest/{store_code}")
]
