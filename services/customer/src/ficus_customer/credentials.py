"""Magento's credentials as the customer service knows them, for the shared gate
(`ficus_legacy.gate`): admin roles from sync's `admin_role` events (Magento's
`authorization_role` / `authorization_rule`, so an admin narrowed in Magento is narrowed here
within the sync lag), token revocations (Magento's and the service's own, `repository`) and
integration access tokens from sync's `integration_token` events (by SHA-256, with what
Magento reads to accept them). An admin without a role event is allowed nothing, as in
Magento."""

from __future__ import annotations

from psycopg_pool import ConnectionPool
from starlette.concurrency import run_in_threadpool

from ficus_contracts.auth import AdminRoleState, IntegrationTokenState
from ficus_contracts.events import DomainEvent
from ficus_customer import repository
from ficus_customer.errors import NotAuthorized
from ficus_customer.repository import Conn
from ficus_feed.core import Outcome
from ficus_legacy.core import acl
from ficus_legacy.gate import Gate

__all__ = [
    "StoredCredentials",
    "admin_rules",
    "apply_admin_role",
    "apply_integration_token",
    "customer_gate",
    "integration_token",
]


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


_INTEGRATION_UPSERT = (
    "INSERT INTO integration_token (token_id, token_sha256, user_type, revoked,"
    " integration_id, status, bearer_enabled, resources, denied, version) VALUES"
    " (%(token_id)s, %(token_sha256)s, %(user_type)s, %(revoked)s, %(integration_id)s,"
    " %(status)s, %(bearer_enabled)s, %(resources)s, %(denied)s, %(version)s)"
    " ON CONFLICT (token_id) DO UPDATE SET token_sha256 = EXCLUDED.token_sha256,"
    " user_type = EXCLUDED.user_type, revoked = EXCLUDED.revoked,"
    " integration_id = EXCLUDED.integration_id, status = EXCLUDED.status,"
    " bearer_enabled = EXCLUDED.bearer_enabled, resources = EXCLUDED.resources,"
    " denied = EXCLUDED.denied, version = EXCLUDED.version"
    " WHERE integration_token.version < EXCLUDED.version RETURNING version"
)


def apply_integration_token(conn: Conn, event: DomainEvent) -> Outcome:
    """A token's state unless an equal or newer version is applied; a deletion keeps the
    version without a hash (no bearer finds it)."""
    state = event.payload if isinstance(event.payload, IntegrationTokenState) else None
    gone = IntegrationTokenState(
        token_id=event.entity_id, token_sha256="", user_type=None, revoked=True,
        integration_id=None, status=None, bearer_enabled=False,
    )  # fmt: skip
    values = (state or gone).model_dump()
    values.update(
        token_sha256=state.token_sha256 if state else None,
        resources=list(values["resources"]),
        denied=list(values["denied"]),
        version=event.version,
    )
    if conn.execute(_INTEGRATION_UPSERT, values).fetchone() is None:
        return Outcome.STALE
    return Outcome.APPLIED if state is not None else Outcome.DELETED


def integration_token(conn: Conn, sha256: str) -> IntegrationTokenState | None:
    """The integration token of that hash; None when there is none."""
    row = conn.execute(
        "SELECT token_id, token_sha256, user_type, revoked, integration_id, status,"
        " bearer_enabled, resources, denied FROM integration_token WHERE token_sha256 = %s"
        " ORDER BY token_id DESC LIMIT 1",
        (sha256,),
    ).fetchone()
    if row is None:
        return None
    return IntegrationTokenState(
        **{**row, "resources": tuple(row["resources"]), "denied": tuple(row["denied"])}
    )


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

    def _integration_token(self, sha256: str) -> IntegrationTokenState | None:
        with self._pool.connection() as conn:
            return integration_token(conn, sha256)

    async def integration_token(self, sha256: str) -> IntegrationTokenState | None:
        return await run_in_threadpool(self._integration_token, sha256)

    async def revoke_before(self, user_type: int, user_id: int) -> int | None:
        return await run_in_threadpool(self._revoke_before, user_type, user_id)

    async def admin_rules(self, user_id: int) -> acl.Rules:
        return await run_in_threadpool(self._admin_rules, user_id)


def customer_gate(signing_key: str, pool: ConnectionPool[Conn]) -> Gate:
    """The gate of the customer service's Magento routes, with Magento's 401."""
    refuse = NotAuthorized.resources
    return Gate(signing_key, StoredCredentials(pool), lambda r: refuse(", ".join(r)))
