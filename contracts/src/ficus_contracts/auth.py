"""Magento's token revocations as a domain event payload: aggregate `auth_revocation`.

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
