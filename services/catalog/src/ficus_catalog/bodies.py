"""The hot reads, served from the stored Magento JSON (`product_json`): a product by sku, with
the request's store view resolved in the same statement (one indexed round trip), and a
searchCriteria page (one statement, `core.product_criteria`); no ORM, no transaction, no
thread-pool hop.

Connections come from a psycopg async pool in autocommit mode (nothing to roll back when a
connection goes back; no ping on checkout: a broken connection fails its request and the
pool replaces it); psycopg prepares the statement on each connection after a few runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from psycopg_pool import AsyncConnectionPool

from ficus_catalog.core.product_criteria import ATTRIBUTE_EXISTS, ProductQuery, attribute_candidates
from ficus_catalog.database import libpq_url
from ficus_contracts.auth import IntegrationTokenState
from ficus_legacy.core import acl
from ficus_legacy.core.searchcriteria import SearchCriteria

ADMIN_CODE = "all"
# Magento's store resolution: a code (from `catalog_store`, sync's store events; an inactive
# view resolves, an unknown or deleted code is Magento's "store not found"); no code: the
# default view sync announced, else the view of the `default_store` setting; `all`: store 0.
STORES = {
    "code": "SELECT store_id FROM catalog_store WHERE code = %(code)s",
    "default": (
        "SELECT store_id FROM catalog_store WHERE is_default OR code = %(code)s"
        " ORDER BY is_default DESC NULLS LAST LIMIT 1"
    ),
    "admin": "SELECT 0 AS store_id WHERE %(code)s::text IS NOT NULL",
}
# Magento compares skus case-insensitively: the lowest entity_id of that sku, the view's own
# rendering if it has values of its own, else store 0's.
_BY_SKU = """
SELECT s.store_id, j.body FROM ({store}) AS s
LEFT JOIN LATERAL (
    SELECT body FROM product_json
    WHERE lower(sku) = %(sku)s AND store_id IN (0, s.store_id)
    ORDER BY entity_id, store_id DESC LIMIT 1
) AS j ON true
"""
BY_SKU = {kind: _BY_SKU.format(store=query) for kind, query in STORES.items()}
ADMIN_RULES = "SELECT resources, denied FROM admin_role WHERE user_id = %(id)s"
INTEGRATION_LOOKUP = (
    "SELECT token_id, token_sha256, user_type, revoked, integration_id, status, bearer_enabled,"
    " resources, denied FROM integration_token WHERE token_sha256 = %(hash)s"
    " ORDER BY token_id DESC LIMIT 1"
)
REVOKE_BEFORE = (
    "SELECT revoke_before FROM token_revocation WHERE user_type_id = %(type)s AND user_id = %(id)s"
)


@dataclass(frozen=True)
class Found:
    """The store view a request resolved to (None: unknown code) and the product's body
    there (None: no such sku)."""

    store_id: int | None
    body: bytes | None


@dataclass(frozen=True)
class BodyPage:
    """A searchCriteria page: the stored JSON of its products, in order, and the total."""

    bodies: list[bytes]
    total_count: int


class StoredBodies:
    """Adapter over `product_json` for the by-sku route, and over `token_revocation`,
    `admin_role` and `integration_token` for the gate (a `CredentialSource`); open it inside
    the event loop."""

    def __init__(self, db_url: str, default_store: str, size: int = 4) -> None:
        self._default_store = default_store
        self._attributes: set[str] = set()
        self._pool = AsyncConnectionPool(
            libpq_url(db_url),
            min_size=1,
            max_size=size,
            kwargs={"autocommit": True},
            open=False,
        )

    async def open(self) -> None:
        await self._pool.open(wait=True)

    async def close(self) -> None:
        await self._pool.close()

    async def store_id(self, store_code: str | None) -> int | None:
        """The store view of a request (None: unknown code), as `by_sku` resolves it."""
        kind, code = self._store(store_code)
        row = await self._one(STORES[kind], {"code": code})
        return None if row is None else int(row[0])

    async def by_sku(self, sku: str, store_code: str | None) -> Found:
        """The sku lowercased here, `lower(sku)` in SQL: the comparison the read always made
        (and the index's expression)."""
        kind, code = self._store(store_code)
        row = await self._one(BY_SKU[kind], {"code": code, "sku": sku.lower()})
        return Found(None, None) if row is None else Found(row[0], row[1])

    async def page(self, criteria: SearchCriteria, store_code: str | None) -> BodyPage | None:
        """The page's stored bodies in order and the total, with the store view resolved in
        the same statement (as `by_sku`; None: unknown code). Each row carries the total
        (`count(*) OVER ()`); an empty page asks once more, for the store and the count."""
        kind, code = self._store(store_code)
        known = [name for name in attribute_candidates(criteria) if await self._has(name)]
        query = ProductQuery(f"({STORES[kind]})", known, {"code": code})
        rows, alone = query.page(criteria)
        async with self._pool.connection() as conn:
            cursor = conn.cursor(binary=True)
            await cursor.execute(rows, query.params)
            page = await cursor.fetchall()
            if not page:
                await cursor.execute(alone, query.params)
                page = [(None, *reversed(await cursor.fetchone() or (None, 0)))]
        _, total, store = page[0]
        if store is None:
            return None
        return BodyPage([body for body, _, _ in page if body is not None], int(total))

    async def _has(self, code: str) -> bool:
        """Whether any product carries attribute `code` (known ones are remembered)."""
        if code not in self._attributes:
            row = await self._one(ATTRIBUTE_EXISTS, {"code": code})
            if row is not None and row[0]:
                self._attributes.add(code)
        return code in self._attributes

    async def revoke_before(self, user_type: int, user_id: int) -> int | None:
        """The user's `jwt_auth_revoked.revoke_before` as sync delivered it (`RevocationSource`)."""
        row = await self._one(REVOKE_BEFORE, {"type": user_type, "id": user_id})
        return None if row is None else int(row[0])

    async def admin_rules(self, user_id: int) -> acl.Rules:
        """The admin's role rules as sync delivered them (`RoleSource`); none without a role."""
        row = await self._one(ADMIN_RULES, {"id": user_id})
        return acl.NONE if row is None else acl.Rules(frozenset(row[0]), frozenset(row[1]))

    async def integration_token(self, sha256: str) -> IntegrationTokenState | None:
        """The integration token of that hash as sync delivered it (`IntegrationTokenSource`)."""
        row = await self._one(INTEGRATION_LOOKUP, {"hash": sha256})
        if row is None:
            return None
        names = ("token_id", "token_sha256", "user_type", "revoked", "integration_id", "status")
        values = dict(zip(names, row[:6], strict=True))
        return IntegrationTokenState(
            **values, bearer_enabled=row[6], resources=tuple(row[7]), denied=tuple(row[8])
        )

    def _store(self, store_code: str | None) -> tuple[str, str]:
        if store_code is None:
            return "default", self._default_store
        return ("admin" if store_code == ADMIN_CODE else "code"), store_code

    async def _one(self, query: str, params: dict[str, Any]) -> tuple[Any, ...] | None:
        async with self._pool.connection() as conn:
            cursor = conn.cursor(binary=True)
            await cursor.execute(query, params)
            return await cursor.fetchone()
