"""Request plumbing shared by the routes: the app's parts, store code, tokens, JSON bodies."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from ficus_legacy import integrations, roles, tokens
from ficus_legacy.core import acl
from ficus_legacy.core.searchcriteria import SearchCriteria, parse_search_criteria
from ficus_legacy.core.webapi_body import decode_object
from ficus_legacy.core.webapi_errors import NotAuthorized
from ficus_standin import revocations
from ficus_standin.db import Connection, Database
from ficus_standin.eavcache import EavCache
from ficus_standin.settings import StandinSettings
from ficus_standin.stores import Store, StoreCache

# user types whose role rules an admin route asks: an integration, an admin
_ACL_USERS = (integrations.INTEGRATION_TYPE, int(tokens.UserType.ADMIN))


@dataclass(frozen=True)
class Standin:
    """What every route needs, built once by `create_app`."""

    settings: StandinSettings
    db: Database
    stores: StoreCache
    eav: EavCache


def standin(request: Request) -> Standin:
    app_state: Standin = request.app.state.standin
    return app_state


def store_of(request: Request, conn: Connection) -> Store:
    """The store view of `/rest/{store_code}/V1/…`; the default store view without a code."""
    code: str | None = request.path_params.get("store_code")
    return standin(request).stores.resolve(conn, code)


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _user(conn: Connection, secret: str, token: str) -> tuple[int, int] | None:
    """(user type, user id) of a bearer token: an unrevoked JWT of Magento's key, else an
    integration's access token (`ficus_legacy.integrations`); None for a guest."""
    try:
        claims = tokens.verify(
            secret, token, revoked_before=partial(revocations.revoked_before, conn)
        )
    except tokens.TokenError:
        integration = integrations.integration_of(conn, token)
        return None if integration is None else (integrations.INTEGRATION_TYPE, integration)
    return int(claims.user_type), claims.user_id


def require_admin(request: Request, resource: str) -> int:
    """The admin (or integration) id of the request's token whose role allows `resource`
    (`authorization_role`/`authorization_rule`, read as Magento's ACL reads them); Magento's
    401 otherwise."""
    token = _bearer(request)
    parts = standin(request)
    if token is None:
        raise NotAuthorized.resources(resource)
    with parts.db.transaction() as conn:
        user = _user(conn, parts.settings.signing_secret(), token)
        rules = roles.rules_of(conn, *user) if user and user[0] in _ACL_USERS else acl.NONE
    if user is None or not acl.allows(rules, resource):
        raise NotAuthorized.resources(resource)
    return user[1]


def require_customer(request: Request) -> int:
    """The customer id of the request's customer token (`self` routes)."""
    token = _bearer(request)
    parts = standin(request)
    if token is None:
        raise NotAuthorized.resources("self")
    try:
        with parts.db.transaction() as conn:
            claims = tokens.verify(
                parts.settings.signing_secret(),
                token,
                tokens.UserType.CUSTOMER,
                revoked_before=partial(revocations.revoked_before, conn),
            )
    except tokens.TokenError as exc:
        raise NotAuthorized.resources("self") from exc
    return claims.user_id


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object; 400 "Decoding error." when it is not one."""
    return decode_object(await request.body())


def search_criteria(request: Request) -> SearchCriteria:
    return parse_search_criteria(request.query_params.multi_items())


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def ok(content: Any, status: int = 200) -> JSONResponse:
    """A JSON answer; Decimals become floats as in Magento's JSON."""
    return JSONResponse(_plain(content), status_code=status)


def envelope(items: list[Any], criteria: SearchCriteria, total: int) -> JSONResponse:
    return ok({"items": items, "search_criteria": criteria.echo(), "total_count": total})
