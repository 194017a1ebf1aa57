"""Magento 2.4.8's web API authorization rules (pure), shared by the services that answer
Magento's REST routes.

How Magento decides (`Webapi\\Controller\\Rest\\RequestValidator`): the route is matched first
(a miss is "Request does not match any route."), then `Framework\\Webapi\\Authorization::
isAllowed(route resources)`, then the service runs. The caller comes from the bearer token
(`Webapi\\Model\\Authorization\\TokenUserContext`): a header that is not `Bearer <token>`, a
malformed token, one signed with another key, an expired or revoked one, all leave the caller
a guest; they never answer a distinct error. A route is allowed when each of its resources
is: `anonymous` for everyone, `self` for a customer, any other ACL resource for an admin or an
integration whose role allows it (`ficus_legacy.core.acl`: `Magento_Backend::all` allows every
resource; a user without a role is allowed none). Otherwise Magento answers 401 with
`NOT_AUTHORIZED`, the route's resources joined by ", ".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ficus_contracts.auth import IntegrationTokenState
from ficus_legacy.core import acl

__all__ = [
    "ADMIN",
    "ALL_RESOURCES",
    "ANONYMOUS",
    "CUSTOMER",
    "GUEST",
    "INTEGRATION",
    "NOT_AUTHORIZED",
    "SELF",
    "Caller",
    "bearer",
    "integration_caller",
    "is_allowed",
    "not_authorized_body",
]

ANONYMOUS = "anonymous"
SELF = "self"
ALL_RESOURCES = acl.ROOT
NOT_AUTHORIZED = "The consumer isn't authorized to access %resources."
# `Magento\Authorization\Model\UserContextInterface` user types
INTEGRATION = 1
ADMIN = 2
CUSTOMER = 3


@dataclass(frozen=True)
class Caller:
    """Who sends a request: `user_type` None is a guest. `rules` are the ACL rules of an
    admin's or an integration's role (none: allowed nothing)."""

    user_type: int | None = None
    user_id: int | None = None
    rules: acl.Rules = acl.NONE


GUEST = Caller()


def bearer(authorization: str) -> str | None:
    """The token of an `Authorization: Bearer <token>` header (scheme case-insensitive)."""
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def _allows(caller: Caller, resource: str) -> bool:
    if resource == ANONYMOUS:
        return True
    if resource == SELF:
        return caller.user_type == CUSTOMER
    if caller.user_type not in (ADMIN, INTEGRATION):
        return False
    return acl.allows(caller.rules, resource)


def is_allowed(caller: Caller, resources: Iterable[str]) -> bool:
    """Magento's `Authorization::isAllowed`: every resource of the route is allowed."""
    return all(_allows(caller, resource) for resource in resources)


def not_authorized_body(resources: Sequence[str]) -> dict[str, Any]:
    """Magento's 401 body for a route's resources."""
    return {"message": NOT_AUTHORIZED, "parameters": {"resources": ", ".join(resources)}}


def integration_caller(token: IntegrationTokenState | None) -> Caller:
    """The caller an opaque bearer token makes, as Magento 2.4.8's
    `Integration\\Model\\Authorization\\TokenUserContext` decides: a guest when no
    `oauth_token` row has it (None), when it is revoked, is not an integration's (user_type 1),
    names no integration (by consumer), or when `oauth/consumer/enable_integration_as_bearer`
    is off; otherwise the integration with its own role's rules. The integration's status is
    not checked, as Magento does not."""
    if token is None or token.revoked or token.user_type != INTEGRATION:
        return GUEST
    if not token.bearer_enabled or token.integration_id is None:
        return GUEST
    rules = acl.Rules(allowed=frozenset(token.resources), denied=frozenset(token.denied))
    return Caller(INTEGRATION, token.integration_id, rules)
