"""Issue #12: a token revoked in Magento (`jwt_auth_revoked`) is refused by the catalog once
the row's `auth_revocation` event arrives, as by the stand-in (Magento 2.4.8's
`RevokedValidator`: issued at or before `revoke_before`); a newer token is good on both; the
row going lifts the revocation on both."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ficus_catalog.testing import bearer
from ficus_contracts.auth import AuthRevocationState, revocation_aggregate_id
from ficus_contracts.events import DomainEvent, EventKind
from ficus_devstack.process import wait_until
from ficus_legacy import roles
from ficus_legacy.core.acl import ROOT
from tests.events import synced_role_event
from tests.integration.catalog.conftest import EventTable

pytestmark = pytest.mark.integration

Standin = tuple[TestClient, dict[str, str]]
ADMIN_TYPE, ADMIN_ID = 2, 41  # an admin no other test uses
PATHS = ["/rest/V1/products?searchCriteria[pageSize]=1", "/rest/all/V1/categories/3"]


def _row(conn: Any) -> AuthRevocationState | None:
    """The user's `jwt_auth_revoked` row as sync would read it."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT user_type_id, user_id, revoke_before FROM jwt_auth_revoked"
            " WHERE user_type_id = %s AND user_id = %s",
            (ADMIN_TYPE, ADMIN_ID),
        )
        row = cur.fetchone()
    conn.commit()
    return (
        None
        if row is None
        else AuthRevocationState(user_type_id=row[0], user_id=row[1], revoke_before=row[2])
    )


def _emit(events: EventTable, conn: Any, version: int) -> None:
    """What sync emits for the row: upserted with its state, or deleted."""
    state = _row(conn)
    events.publish(
        DomainEvent(
            aggregate="auth_revocation",
            aggregate_id=revocation_aggregate_id(ADMIN_TYPE, ADMIN_ID),
            entity_id=ADMIN_ID,
            version=version,
            kind=EventKind.UPSERTED if state else EventKind.DELETED,
            payload=state,
        )
    )


def _role(conn: Any, user_id: int, allowed: list[str], denied: list[str] | None = None) -> None:
    """Magento's role editor: a role of these rules, the admin moved into it."""
    roles.assign(conn, user_id, roles.create_group(conn, f"r{user_id}", allowed, denied or []), "x")
    conn.commit()


def _answers(client: TestClient, token: str) -> list[tuple[int, Any]]:
    headers = {"Authorization": f"Bearer {token}"}
    return [(r.status_code, r.json()) for r in (client.get(p, headers=headers) for p in PATHS)]


def _both(catalog: TestClient, standin: Standin, token: str) -> Callable[[], list[int]]:
    """The statuses once both sides answer alike (an empty list while they differ)."""

    def statuses() -> list[int]:
        legacy, mine = _answers(standin[0], token), _answers(catalog, token)
        return [status for status, _ in mine] if legacy == mine else []

    return statuses


def test_a_revoked_admin_token_is_refused_like_the_standin(
    catalog: TestClient,
    standin: Standin,
    magento: tuple[str, Any],
    sync_events: EventTable,
) -> None:
    conn, now = magento[1], int(time.time())
    old, newer = bearer(ADMIN_ID, now=now - 100), bearer(ADMIN_ID, now=now - 10)
    assert _both(catalog, standin, old)() == [401, 401]  # no role yet: nothing, on both
    _role(conn, ADMIN_ID, [ROOT])
    sync_events.publish(synced_role_event(conn, ADMIN_ID, 1))
    assert wait_until(lambda: _both(catalog, standin, old)() == [200, 200], 10)
    with conn.cursor() as cur:  # Magento's Revoker::revokeFor
        cur.execute(
            "INSERT INTO jwt_auth_revoked (user_type_id, user_id, revoke_before)"
            " VALUES (%s, %s, %s)",
            (ADMIN_TYPE, ADMIN_ID, now - 50),
        )
    conn.commit()
    _emit(sync_events, conn, 1)
    assert wait_until(lambda: _both(catalog, standin, old)() == [401, 401], 10)
    assert _both(catalog, standin, newer)() == [200, 200]
    body = catalog.get(PATHS[0], headers={"Authorization": f"Bearer {old}"}).json()
    assert body["parameters"] == {"resources": "Magento_Catalog::products"}

    with conn.cursor() as cur:  # a later revocation: the newer token goes too
        cur.execute("UPDATE jwt_auth_revoked SET revoke_before = %s", (now - 5,))
    conn.commit()
    _emit(sync_events, conn, 2)
    assert wait_until(lambda: _both(catalog, standin, newer)() == [401, 401], 10)

    with conn.cursor() as cur:
        cur.execute("DELETE FROM jwt_auth_revoked WHERE user_id = %s", (ADMIN_ID,))
    conn.commit()
    _emit(sync_events, conn, 3)
    assert wait_until(lambda: _both(catalog, standin, old)() == [200, 200], 10)


NARROWED_ID = 42  # an admin no other test uses


def test_a_role_narrowed_in_magento_narrows_the_catalog_alike(
    catalog: TestClient, standin: Standin, magento: tuple[str, Any], sync_events: EventTable
) -> None:
    conn, token = magento[1], bearer(NARROWED_ID)
    _role(conn, NARROWED_ID, ["Magento_Catalog::categories"])  # as saveRel: admin + categories
    sync_events.publish(synced_role_event(conn, NARROWED_ID, 1))
    ok = wait_until(lambda: _both(catalog, standin, token)() == [401, 200], 10)
    assert ok, (_answers(standin[0], token), _answers(catalog, token))
    _role(conn, NARROWED_ID, [ROOT], ["Magento_Catalog::categories"])  # by hand: root but not
    sync_events.publish(synced_role_event(conn, NARROWED_ID, 2))
    assert wait_until(lambda: _both(catalog, standin, token)() == [200, 401], 10)
    roles.unassign(conn, 2, NARROWED_ID)
    conn.commit()
    sync_events.publish(synced_role_event(conn, NARROWED_ID, 3))
    assert wait_until(lambda: _both(catalog, standin, token)() == [401, 401], 10)
