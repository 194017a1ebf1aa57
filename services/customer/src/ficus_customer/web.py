"""What every customer route needs from a request: the service's parts, the caller (admin or
customer token, checked as Magento checks them), the JSON body, the searchCriteria, the answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from ficus_customer.bootstrap import Components
from ficus_customer.errors import NotAuthorized
from ficus_legacy import tokens
from ficus_legacy.core import fields
from ficus_legacy.core.searchcriteria import SearchCriteria, parse_search_criteria
from ficus_legacy.core.webapi_body import decode_object

T = TypeVar("T")


def parts(request: Request) -> Components:
    components: Components = request.app.state.components
    return components


async def blocking(call: Callable[..., T], *args: Any) -> T:
    """Run a database call in the thread pool (psycopg is used synchronously)."""
    return await run_in_threadpool(call, *args)


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def _claims(request: Request, expected: tokens.UserType, resource: str) -> int:
    """The user id of a valid bearer token of `expected` type that neither Magento nor this
    service revoked; Magento's 401 naming `resource` otherwise."""
    token = _bearer(request)
    if token is None:
        raise NotAuthorized.resources(resource)
    components = parts(request)
    try:
        claims = tokens.verify(components.signing_key, token, expected)
        before = await blocking(components.reads.revoked_before, int(expected), claims.user_id)
        if before is not None and claims.issued_at <= before:
            raise tokens.TokenError(tokens.REVOKED)
    except tokens.TokenError as exc:
        raise NotAuthorized.resources(resource) from exc
    return claims.user_id


async def require_admin(request: Request, resource: str) -> int:
    """The admin user id of the request's token; Magento's 401 otherwise."""
    return await _claims(request, tokens.UserType.ADMIN, resource)


async def require_customer(request: Request) -> int:
    """The customer id of the request's customer token (`self` routes)."""
    return await _claims(request, tokens.UserType.CUSTOMER, "self")


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object; 400 "Decoding error." when it is not one."""
    return decode_object(await request.body())


def search_criteria(request: Request) -> SearchCriteria:
    return parse_search_criteria(request.query_params.multi_items())


def store_code(request: Request) -> str | None:
    code: str | None = request.path_params.get("store_code")
    return code


def ok(request: Request, content: Any, status: int = 200) -> JSONResponse:
    """A JSON answer; a successful one reduced by `?fields=` as Magento's ResponseFilter does."""
    wanted = fields.requested(request.query_params.multi_items())
    if wanted is not None and 200 <= status < 300:
        content = fields.filter_value(content, wanted)
    return JSONResponse(content, status_code=status)
