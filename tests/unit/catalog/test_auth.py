"""The catalog's gate: Magento's credential cases, revocation and admin roles through the
ports, the cache."""

from __future__ import annotations

import asyncio
import time

import pytest

from ficus_catalog.auth import CachedCredentials, Gate, catalog_gate
from ficus_catalog.errors import NotAuthorized
from ficus_catalog.testing import CRYPT_KEY, bearer
from ficus_contracts.auth import IntegrationTokenState, token_sha256
from ficus_legacy import tokens
from ficus_legacy.core.acl import NONE, ROOT, Rules
from ficus_legacy.core.webapi_auth import ADMIN, GUEST, INTEGRATION, Caller

NOW = float(int(time.time()))  # PyJWT refuses an `iat` ahead of the real clock
PRODUCTS = ("Magento_Catalog::products",)


class Table:
    """A CredentialSource over dicts, counting its reads."""

    def __init__(self) -> None:
        self.rows: dict[tuple[int, int], int] = {}
        self.roles: dict[int, Rules] = {}
        self.integrations: dict[str, IntegrationTokenState] = {}
        self.reads = 0

    async def revoke_before(self, user_type: int, user_id: int) -> int | None:
        self.reads += 1
        return self.rows.get((user_type, user_id))

    async def admin_rules(self, user_id: int) -> Rules:
        self.reads += 1
        return self.roles.get(user_id, NONE)

    async def integration_token(self, sha256: str) -> IntegrationTokenState | None:
        self.reads += 1
        return self.integrations.get(sha256)


def _gate(table: Table) -> Gate:
    return catalog_gate(tokens.signing_key(CRYPT_KEY), table, clock=lambda: NOW)


def test_only_an_unrevoked_admin_token_signed_with_magentos_key_passes() -> None:
    table = Table()
    gate = _gate(table)
    admin = bearer(5, now=NOW - 100)
    assert asyncio.run(gate.caller(f"Bearer {admin}")) == Caller(ADMIN, 5)
    table.rows[(2, 5)] = int(NOW - 100)  # issued at revoke_before: refused, as Magento
    assert asyncio.run(gate.caller(f"Bearer {admin}")) == GUEST
    with pytest.raises(NotAuthorized) as refused:
        asyncio.run(gate.require(f"Bearer {admin}", PRODUCTS))
    assert refused.value.resources == PRODUCTS
    assert asyncio.run(gate.caller(f"Bearer {bearer(5, now=NOW - 99)}")) == Caller(ADMIN, 5)


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Basic abc",
        "Bearer x.y.z",
        f"Bearer {bearer(5, now=NOW - 3600)}",  # expired at NOW
        f"Bearer {tokens.issue(tokens.signing_key('other' * 7), 5, tokens.UserType.ADMIN)}",
    ],
)
def test_anything_else_is_a_guest_refused_on_an_admin_route(header: str) -> None:
    with pytest.raises(NotAuthorized):
        asyncio.run(_gate(Table()).require(header, PRODUCTS))


def test_a_customer_token_is_refused_on_an_admin_route() -> None:
    header = f"Bearer {bearer(5, tokens.UserType.CUSTOMER, now=NOW)}"
    with pytest.raises(NotAuthorized):
        asyncio.run(_gate(Table()).require(header, PRODUCTS))


def test_an_admin_role_narrows_the_admin() -> None:
    table = Table()
    gate, header = _gate(table), f"Bearer {bearer(5, now=NOW)}"
    categories = ("Magento_Catalog::categories",)
    with pytest.raises(NotAuthorized):  # no role known: nothing, as in Magento
        asyncio.run(gate.require(header, categories))
    table.roles[5] = Rules(frozenset(categories))
    assert asyncio.run(gate.require(header, categories)) == Caller(ADMIN, 5, table.roles[5])
    with pytest.raises(NotAuthorized):
        asyncio.run(gate.require(header, PRODUCTS))
    table.roles[5] = NONE  # a role gone: nothing
    with pytest.raises(NotAuthorized):
        asyncio.run(gate.require(header, categories))
    table.roles[5] = Rules(frozenset({ROOT}))
    asyncio.run(gate.require(header, PRODUCTS))
    table.roles[5] = Rules(frozenset({ROOT}), frozenset(PRODUCTS))  # denied under the root
    with pytest.raises(NotAuthorized):
        asyncio.run(gate.require(header, PRODUCTS))


def test_the_cache_reuses_an_answer_for_its_ttl_only() -> None:
    table, now = Table(), [0.0]
    cached = CachedCredentials(table, ttl=1.0, clock=lambda: now[0], size=2)
    assert asyncio.run(cached.revoke_before(2, 5)) is None
    table.rows[(2, 5)] = 7
    assert asyncio.run(cached.revoke_before(2, 5)) is None and table.reads == 1
    now[0] = 1.0
    assert asyncio.run(cached.revoke_before(2, 5)) == 7 and table.reads == 2
    for user in (6, 7, 8):  # bounded: dropped whole when full
        asyncio.run(cached.revoke_before(2, user))
    assert asyncio.run(cached.revoke_before(2, 5)) == 7 and table.reads == 6
    table.roles[5] = Rules(frozenset({"x"}))
    assert asyncio.run(cached.admin_rules(5)) == Rules(frozenset({"x"}))
    table.roles[5] = NONE
    assert asyncio.run(cached.admin_rules(5)) == Rules(frozenset({"x"})) and table.reads == 7


def _integration(token: str, **changes: object) -> IntegrationTokenState:
    state = IntegrationTokenState(
        token_id=3, token_sha256=token_sha256(token), user_type=INTEGRATION, revoked=False,
        integration_id=9, status=1, bearer_enabled=True, resources=PRODUCTS,
    )  # fmt: skip
    return state.model_copy(update=changes)


def test_an_integration_token_passes_by_its_hash_with_its_own_resources() -> None:
    table, token = Table(), "abcdefghijklmnopqrstuvwxyz012345"
    gate, header = _gate(table), f"Bearer {token}"
    with pytest.raises(NotAuthorized):  # no such token
        asyncio.run(gate.require(header, PRODUCTS))
    table.integrations[token_sha256(token)] = _integration(token)
    caller = asyncio.run(gate.require(header, PRODUCTS))
    assert caller == Caller(INTEGRATION, 9, Rules(frozenset(PRODUCTS)))
    with pytest.raises(NotAuthorized):  # a resource its role does not allow
        asyncio.run(gate.require(header, ("Magento_Catalog::categories",)))
    assert asyncio.run(gate.caller(f"Bearer {token.upper()}")) == caller  # general_ci, as Magento
    assert asyncio.run(gate.caller(f"Bearer {token[:-1]}6")) == GUEST  # another token


@pytest.mark.parametrize(
    "changes",
    [
        {"bearer_enabled": False},  # Magento's default: integration tokens are no bearer
        {"revoked": True},
        {"integration_id": None},  # the integration is gone
        {"user_type": ADMIN},  # an admin's OAuth token, not an integration's
    ],
)
def test_an_integration_token_magento_would_not_take_is_a_guest(changes: dict[str, object]) -> None:
    table, token = Table(), "abcdefghijklmnopqrstuvwxyz012345"
    table.integrations[token_sha256(token)] = _integration(token, **changes)
    assert asyncio.run(_gate(table).caller(f"Bearer {token}")) == GUEST
