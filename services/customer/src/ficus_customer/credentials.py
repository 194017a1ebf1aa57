"""Magento's credentials as the customer service knows them, for the shared gate
(`ficus_legacy.gate`): admin roles from sync's `admin_role` events (Magento's
`authorization_role` / `authorization_rule`, so an admin narrowed in Magento is narrowed here
within the sync lag) and token revocations (Magento's and the service's own, `repository`).
An admin without a role event is allowed nothing, as in Magento."""

from __future__ import annotations

from psycopg_pool import ConnectionPool
from starlette.concurrency import run_in_threadpool

from ficus_contracts.auth import AdminRoleState
from ficus_contracts.events import DomainEvent
from ficus_customer import repository
from ficus_customer.errors import NotAuthorized
from ficus_customer.repository import Conn
from ficus_feed.core import Outcome
from ficus_legacy.core import acl
from ficus_legacy.gate import Gate

__all__ = ["StoredCredentials", "admin_rules", "apply_admin_role", "customer_gate"]


def apply_admin_role(conn: Conn, event: DomainEvent) -> Outcome:
    """An admin's role unless an equal or newer version is applied; a deletion keeps the
    version with no resources (the role gone allows nothing)."""
    state = event.payload if isinstance(event.payload, AdminRoleState) else None
    allowed, denied = (state.resources, state.denied) if state else ((), ())
    row = conn.execute(
        "INSERT INTO admin_role (user_id, resources, denied, version) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (user_id) DO UPDATE SET resources = EXCLUDED.resources,"
        " denied = EXCLUDED.denied, version = EXCLUDED.version"
        " WHERE admin_role.version < EXCLUDED.version RETURNING version",
        (event.entity_id, list(allowed), list(denied), event.version),
    ).fetchone()
    if row is None:
        return Outcome.STALE
    return Outcome.APPLIED if state is not None else Outcome.DELETED


def admin_rules(conn: Conn, user_id: int) -> acl.Rules:
    """The admin's role rules; none without a role."""
    row = conn.execute(
        "SELECT resources, denied FROM admin_role WHERE user_id = %s", (user_id,)
    ).fetchone()
    if row is None:
        return acl.NONE
    return acl.Rules(frozenset(row["resources"]), frozenset(row["denied"]))


class StoredCredentials:
    """The gate's `CredentialSource` over the service's database (read in the thread pool,
    uncached: a password changed here refuses older tokens at once)."""

    def __init__(self, pool: ConnectionPool[Conn]) -> None:
        self._pool = pool

    def _revoke_before(self, user_type: int, user_id: int) -> int | None:
        with self._pool.connection() as conn:
            return repository.revoked_before(conn, user_type, user_id)

    def _admin_rules(self, user_id: int) -> acl.Rules:
        with self._pool.connection() as conn:
            return admin_rules(conn, user_id)

    async def revoke_before(self, user_type: int, user_id: int) -> int | None:
        return await run_in_threadpool(self._revoke_before, user_type, user_id)

    async def admin_rules(self, user_id: int) -> acl.Rules:
        return await run_in_threadpool(self._admin_rules, user_id)


def customer_gate(signing_key: str, pool: ConnectionPool[Conn]) -> Gate:
    """The gate of the customer service's Magento routes, with Magento's 401."""
    refuse = NotAuthorized.resources
    return Gate(signing_key, StoredCredentials(pool), lambda r: refuse(", ".join(r)))
