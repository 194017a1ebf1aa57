"""Bearer-token authentication and the roles' rights, one dependency per right:

- `reader`: cutover state (any token, the proxy's included);
- `viewer`: every other read (viewer and operator tokens);
- `reporter`: report a trip or a rollback (operator and proxy tokens);
- `operator`: every other change (operator tokens).

A proxy token is refused (403) everywhere but `reader` and `reporter`. Verified tokens are
cached for a few seconds (FICUS_CONTROL_TOKEN_CACHE_SECONDS: a revoked token works at most that
long); a client with too many failed attempts gets 429 with Retry-After before any lookup
(`ficus_control.authn`, shared with the dashboard's sign-in)."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ficus_control.authn import authenticator_of, client_of, control_of
from ficus_control.errors import Forbidden
from ficus_control.tokens import Principal, Role

__all__ = ["control_of", "operator", "reader", "reporter", "viewer"]

_bearer = HTTPBearer(auto_error=False)


def reader(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
) -> Principal:
    """Any valid token: enough to read cutover state."""
    return authenticator_of(request).authenticate(
        credentials.credentials if credentials else None, client_of(request)
    )


def viewer(principal: Principal = Depends(reader)) -> Principal:
    """A viewer or operator token: every read."""
    if principal.role is Role.PROXY:
        raise Forbidden(
            f"token {principal.name!r} is a proxy token: it may read cutover state and report "
            "trips and rollbacks, nothing else"
        )
    return principal


def reporter(principal: Principal = Depends(reader)) -> Principal:
    """An operator or proxy token: report a trip or a rollback."""
    if principal.role is Role.VIEWER:
        raise Forbidden(f"token {principal.name!r} is a viewer token; changes need an operator")
    return principal


def operator(principal: Principal = Depends(viewer)) -> Principal:
    """An operator token: needed for every change."""
    if principal.role is not Role.OPERATOR:
        raise Forbidden(f"token {principal.name!r} is a viewer token; changes need an operator")
    return principal
