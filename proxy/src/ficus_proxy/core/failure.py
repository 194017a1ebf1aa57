"""Which answers of a new backend are failures, and which failures count against it. Pure.

A read the new backend fails is replayed to Magento (fail-open). Two rules keep shoppers and
attackers from steering the guard:
  * a 404/405 that only says "this service has no such route" (FastAPI's own
    `{"detail": "Not Found"}` / `{"detail": "Method Not Allowed"}`) is a failure like a 5xx:
    it never reaches a shopper (a Magento-shaped 404 from the service is a real answer);
  * a failure counts against the new backend (trip, breaker, error budget) only when Magento,
    given the same request, answered it: if Magento refused or failed it too, the request was
    at fault, not the new backend.
"""

from __future__ import annotations

import json

ROUTE_MISS_STATUSES = frozenset({404, 405})
_ROUTE_MISS_DETAILS = frozenset({"Not Found", "Method Not Allowed"})


def is_route_miss(status: int, body: bytes | None) -> bool:
    """True for a framework's "no such route" answer (not a domain 404 such as Magento's
    `{"message": "The product that was requested doesn't exist. ..."}`)."""
    if status not in ROUTE_MISS_STATUSES or not body:
        return False
    try:
        document = json.loads(body)
    except ValueError:
        return False
    return (
        isinstance(document, dict)
        and document.keys() == {"detail"}
        and document["detail"] in _ROUTE_MISS_DETAILS
    )


def counts_against_new(legacy_status: int) -> bool:
    """Does a new-backend failure count, given Magento's status for the same request?"""
    return legacy_status < 400
