"""Magento's token revocations and admin roles as domain event payloads: aggregates
`auth_revocation` and `admin_role` (`AdminRoleState`, below), and integration access tokens,
aggregate `integration_token` (`IntegrationTokenState`, below).

One event per `jwt_auth_revoked` row (Magento 2.4's `JwtUserToken` module: primary key
`user_type_id` + `user_id`, column `revoke_before`, a Unix time). A token of that user issued at
or before `revoke_before` is refused (`RevokedValidator`). Magento writes the row on logout, a
password change, an admin's "revoke tokens" and account lock; it never deletes one (a `deleted`
event, should a row go, lifts the revocation).

Event identity, as sync emits it: `aggregate_id` = `uuid5(NAMESPACE_URL,
"ficus:auth_revocation:{user_type_id}:{user_id}")` (deterministic, so every consumer keys the
same row the same way), `entity_id` = `user_id` (unique only with the user type), `version`
increasing per aggregate as for every aggregate.
"""

from __future__ import annotations

import hashlib
import uuid

from pydantic import BaseModel, ConfigDict

BEARER_PATH = "oauth/consumer/enable_integration_as_bearer"
"""Magento's `core_config_data` path that lets an integration's access token be a bearer
token (`Integration\\Model\\Config\\AuthorizationConfig`: off by default since 2.4.4)."""


class AuthRevocationState(BaseModel):
    """A `jwt_auth_revoked` row: user type (`UserContextInterface`: 2 admin, 3 customer)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    user_type_id: int
    user_id: int
    revoke_before: int

    @property
    def entity_id(self) -> int:
        """Magento's id in the event: the user's id."""
        return self.user_id


def revocation_aggregate_id(user_type_id: int, user_id: int) -> uuid.UUID:
    """The event's `aggregate_id` for a user's row."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"ficus:auth_revocation:{user_type_id}:{user_id}")


class AdminRoleState(BaseModel):
    """What an admin user may do (aggregate `admin_role`, one per admin user): the ACL
    resources their role allows. Magento's rows: the user's `authorization_role` row
    (`role_type` 'U', `user_type` 2, `user_id`) names its group role (`parent_id`, `role_type`
    'G'); that role's `authorization_rule` rows with `permission` 'allow' are the resources
    (`Magento_Backend::all` allows every resource), those with 'deny' are `denied` (the last
    row on a resource counts; `ficus_legacy.core.acl` answers isAllowed from both). Sorted, so
    equal rows give equal states. A user whose 'U' row goes (or whose group role goes) is
    `deleted`: no resources. `denied` was added later: an event without it denies nothing."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    user_id: int
    role_id: int  # the group role
    resources: tuple[str, ...]
    denied: tuple[str, ...] = ()

    @property
    def entity_id(self) -> int:
        """Magento's id in the event: the admin user's id."""
        return self.user_id


def admin_role_aggregate_id(user_id: int) -> uuid.UUID:
    """The event's `aggregate_id` for an admin user's role."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"ficus:admin_role:{user_id}")


class IntegrationTokenState(BaseModel):
    """An integration's opaque access token as Magento 2.4.8 resolves it (aggregate
    `integration_token`, one per `oauth_token` row, `entity_id` = the row's entity_id).

    The clear token never leaves Magento: `token_sha256` is the hex SHA-256 of the `token`
    column, the service hashes the bearer it is sent and looks that up. Everything
    `Integration\\Model\\Authorization\\TokenUserContext` reads on the way is carried, so a
    service decides alone and a change to any of it is a new event of the token:
    `revoked` and `user_type` (1, an integration) of the row; the integration whose
    `consumer_id` is the token's (`integration_id` None: none, a guest; `status` is carried
    but, as in Magento, not checked); `bearer_enabled`, Magento's
    `oauth/consumer/enable_integration_as_bearer` (default scope, off without a row); and
    the resources of the integration's own ACL role: `WebapiRoleLocator` finds the
    `authorization_role` row of (user_id = integration id, user_type 1) and its rules are on
    that role itself, not on a group role as an admin's are, so they travel here rather than
    as an `admin_role` (allowed and denied resources as in `AdminRoleState`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    token_id: int
    token_sha256: str
    user_type: int | None
    revoked: bool
    integration_id: int | None
    status: int | None
    bearer_enabled: bool
    resources: tuple[str, ...] = ()
    denied: tuple[str, ...] = ()

    @property
    def entity_id(self) -> int:
        """Magento's id in the event: the `oauth_token` row's entity_id."""
        return self.token_id


def token_sha256(token: str) -> str:
    """How `IntegrationTokenState.token_sha256` names a bearer token: the hash of the token
    lowercased, because Magento finds the row with `token = ?` under the column's
    case-insensitive collation (utf8 `general_ci`), so any case of the token is the token
    (that collation's accent folding is not reproduced: Magento's tokens are [a-z0-9])."""
    return hashlib.sha256(token.lower().encode()).hexdigest()
