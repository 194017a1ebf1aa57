"""Bearer-token authentication: viewer tokens may read, operator tokens may also change."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ficus_control.bootstrap import Control
from ficus_control.errors import Forbidden, Unauthenticated
from ficus_control.tokens import Principal, Role

_bearer = HTTPBearer(auto_error=False)


def control_of(request: Request) -> Control:
    control: Control = request.app.state.control
    return control


def viewer(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
) -> Principal:
    """Any valid token."""
    if credentials is None:
        raise Unauthenticated("missing bearer token (Authorization: Bearer <token>)")
    principal = control_of(request).tokens.principal(credentials.credentials)
    if principal is None:
        raise Unauthenticated("invalid or revoked token")
    return principal


def operator(principal: Principal = Depends(viewer)) -> Principal:
    """An operator token: needed for every change."""
    if principal.role is not Role.OPERATOR:
        raise Forbidden(f"token {principal.name!r} is a viewer token; changes need an operator")
    return principal
