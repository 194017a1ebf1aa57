"""Magento's token revocations and admin roles as domain event payloads: aggregates
`auth_revocation` and `admin_role` (`AdminRoleState`, below).

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

import uuid

from pydantic import BaseModel, ConfigDict


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
