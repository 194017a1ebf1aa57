"""The answers the proxy writes itself, Magento-shaped (`{"message": ...}`): upstream failures,
refused requests (429 with `Retry-After`; other refusals close the connection, whose request
may be half-read), a write the domain cannot take now (503 with `Retry-After`, the same words
whatever the cause: nothing of Ficus shows), and the cohort cookie."""

from __future__ import annotations

import json
import math

from aiohttp import web

from ficus_proxy.core.bucketing import COHORT_COOKIE
from ficus_proxy.errors import RejectedRequest, TooManyRequests


def error_response(status: int, message: str) -> web.Response:
    return web.Response(
        status=status, body=json.dumps({"message": message}), content_type="application/json"
    )


UNAVAILABLE_MESSAGE = "The service is temporarily unavailable. Please try again later."


def unavailable_response(retry_after: int) -> web.Response:
    response = error_response(503, UNAVAILABLE_MESSAGE)
    response.headers["Retry-After"] = str(max(1, retry_after))
    return response


def rejection_response(exc: RejectedRequest) -> web.Response:
    response = error_response(exc.status, str(exc))
    if isinstance(exc, TooManyRequests):
        response.headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after)))
    else:  # the request may be left half-read: the connection cannot carry another one
        response.force_close()
    return response


def cohort_cookie(value: str, max_age: int) -> str:
    """The `Set-Cookie` value that pins a new shopper to a cohort."""
    return f"{COHORT_COOKIE}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax"
