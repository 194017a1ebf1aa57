"""What every customer route needs from a request: the service's parts, the caller (admin or
customer token, checked as Magento checks them), the JSON body, the searchCriteria, the answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from ficus_customer.bootstrap import Components
from ficus_legacy.core import fields
from ficus_legacy.core.searchcriteria import SearchCriteria, parse_search_criteria
from ficus_legacy.core.webapi_auth import SELF
from ficus_legacy.core.webapi_body import decode_object

T = TypeVar("T")


def parts(request: Request) -> Components:
    components: Components = request.app.state.components
    return components


async def blocking(call: Callable[..., T], *args: Any) -> T:
    """Run a database call in the thread pool (psycopg is used synchronously)."""
    return await run_in_threadpool(call, *args)


async def _caller(request: Request, resource: str) -> int:
    """The user id of the request's token when Magento would allow it `resource` (the shared
    gate, `ficus_legacy.gate`: signature, expiry, revocations, the admin's role); Magento's
    401 naming `resource` otherwise."""
    header = request.headers.get("authorization", "")
    caller = await parts(request).gate.require(header, (resource,))
    return int(caller.user_id or 0)


async def require_admin(request: Request, resource: str) -> int:
    """The admin (or integration) user id of the request's token whose role allows
    `resource`, as Customer/etc/webapi.xml names it; Magento's 401 otherwise."""
    return await _caller(request, resource)


async def require_customer(request: Request) -> int:
    """The customer id of the request's customer token (`self` routes)."""
    return await _caller(request, SELF)


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
