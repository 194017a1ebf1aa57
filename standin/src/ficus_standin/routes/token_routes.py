"""`POST /V1/integration/admin/token` and `/V1/integration/customer/token`."""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from ficus_legacy import tokens
from ficus_legacy.core.webapi_errors import BAD_SIGN_IN, AuthenticationFailed, InputError
from ficus_standin.repositories import customer_auth
from ficus_standin.web import json_body, ok, standin, store_of

router = APIRouter(prefix="/integration")
ADMIN_USER_ID = 1


def _credentials(body: dict[str, Any]) -> tuple[str, str]:
    for key in ("username", "password"):
        if not isinstance(body.get(key), str) or not body[key]:
            raise InputError.required(key)
    return body["username"], body["password"]


@router.post("/admin/token")
def admin_token(request: Request, body: dict[str, Any] = Depends(json_body)) -> JSONResponse:
    settings = standin(request).settings
    username, password = _credentials(body)
    good = hmac.compare_digest(username, settings.admin_username) & hmac.compare_digest(
        password.encode(), settings.admin_password.get_secret_value().encode()
    )
    if not good:
        raise AuthenticationFailed(BAD_SIGN_IN)
    secret = settings.signing_secret()
    return ok(
        tokens.issue(
            secret, ADMIN_USER_ID, tokens.UserType.ADMIN, ttl_seconds=settings.token_ttl_seconds
        )
    )


@router.post("/customer/token")
def customer_token(request: Request, body: dict[str, Any] = Depends(json_body)) -> JSONResponse:
    parts = standin(request)
    username, password = _credentials(body)
    with parts.db.transaction() as conn:
        customer_id = customer_auth.sign_in(conn, store_of(request, conn), username, password)
    if customer_id is None:  # raised after the commit: failures count (lockout)
        raise AuthenticationFailed(BAD_SIGN_IN)
    secret = parts.settings.signing_secret()
    token = tokens.issue(
        secret,
        customer_id,
        tokens.UserType.CUSTOMER,
        ttl_seconds=parts.settings.token_ttl_seconds,
    )
    return ok(token)
