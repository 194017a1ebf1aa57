"""The catalog's credential aggregates on real Postgres: `auth_revocation` events kept as
Magento's `jwt_auth_revoked` rows (newest version wins, a deletion lifts) and `admin_role`
events as each admin's resources (a deletion allows nothing), read by the gate's source and
enforced over HTTP; aggregates the catalog does not hold (customers) leave its rows alone."""

from __future__ import annotations

import asyncio

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from ficus_catalog.api import create_app
from ficus_catalog.bootstrap import Catalog
from ficus_catalog.tables import Category, TokenRevocation
from ficus_catalog.testing import bearer
from ficus_contracts.auth import (
    AdminRoleState,
    AuthRevocationState,
    admin_role_aggregate_id,
    revocation_aggregate_id,
)
from ficus_contracts.events import CategoryState, DomainEvent, EventKind
from ficus_customer.testing import customer_event, customer_state
from ficus_devstack.process import wait_until
from tests.integration.catalog.conftest import EventTable, catalog_settings

pytestmark = pytest.mark.integration


def revocation(user_type: int, user_id: int, version: int, before: int | None) -> DomainEvent:
    state = None if before is None else AuthRevocationState(
        user_type_id=user_type, user_id=user_id, revoke_before=before
    )  # fmt: skip
    return DomainEvent(
        aggregate="auth_revocation",
        aggregate_id=revocation_aggregate_id(user_type, user_id),
        entity_id=user_id,
        version=version,
        kind=EventKind.DELETED if state is None else EventKind.UPSERTED,
        payload=state,
    )


def rows(catalog: Catalog) -> dict[tuple[int, int], int]:
    with catalog.sessions() as session:
        found = session.execute(select(TokenRevocation)).scalars().all()
        return {(r.user_type_id, r.user_id): r.revoke_before for r in found}


def revoke_before(catalog: Catalog, *users: tuple[int, int]) -> list[int | None]:
    """What the gate's source (`StoredBodies`, the catalog's pool) answers for each user."""

    async def read() -> list[int | None]:
        await catalog.bodies.open()
        try:
            return [await catalog.bodies.revoke_before(t, i) for t, i in users]
        finally:
            await catalog.bodies.close()

    return asyncio.run(read())


def test_revocations_apply_newest_first_and_a_deletion_lifts(
    catalog: Catalog, events: EventTable
) -> None:
    assert catalog.consumer is not None
    events.publish(revocation(2, 7, 1, 100), revocation(3, 7, 1, 200), revocation(2, 7, 3, 300))
    events.publish(revocation(2, 7, 2, 150))  # older than the applied version: ignored
    catalog.consumer.drain()
    assert rows(catalog) == {(2, 7): 300, (3, 7): 200}
    assert revoke_before(catalog, (2, 7), (2, 8), (3, 7)) == [300, None, 200]
    events.publish(revocation(3, 7, 2, None))
    catalog.consumer.drain()
    assert rows(catalog) == {(2, 7): 300}
    for one in (revocation(3, 7, 1, 999), revocation(2, 7, 4, 400)):  # one event at a time
        events.publish(one)
        catalog.consumer.drain()
    assert rows(catalog) == {(2, 7): 400}


def test_a_customer_event_leaves_the_category_of_the_same_id(
    catalog: Catalog, events: EventTable
) -> None:
    assert catalog.consumer is not None
    category = CategoryState(
        entity_id=5, parent_id=2, path="1/2/5", position=1, level=2,
        created_at="2024-01-01 00:00:00", updated_at="2024-01-02 00:00:00",
        attributes={0: {"name": "Kept", "is_active": "1"}},
    )  # fmt: skip
    events.publish(
        DomainEvent(
            aggregate="category",
            aggregate_id=revocation_aggregate_id(0, 5),
            entity_id=5,
            version=1,
            kind=EventKind.UPSERTED,
            payload=category,
        ),
        customer_event(customer_state(5), 1),
        customer_event(None, 2, entity_id=5),
    )
    catalog.consumer.drain()
    with catalog.sessions() as session:
        kept = session.execute(select(Category.entity_id)).scalars().all()
    assert kept == [5]


def role(user_id: int, version: int, *resources: str, gone: bool = False) -> DomainEvent:
    state = None if gone else AdminRoleState(user_id=user_id, role_id=1, resources=resources)
    return DomainEvent(
        aggregate="admin_role",
        aggregate_id=admin_role_aggregate_id(user_id),
        entity_id=user_id,
        version=version,
        kind=EventKind.DELETED if gone else EventKind.UPSERTED,
        payload=state,
    )


def test_an_admin_role_narrows_the_admin_over_http(catalog_url: str, events: EventTable) -> None:
    settings = catalog_settings(catalog_url, events, credentials_cache_seconds=0)
    narrowed, other = (
        {"Authorization": f"Bearer {bearer(9)}"},
        {"Authorization": f"Bearer {bearer(8)}"},
    )
    products = "/rest/V1/products/types"
    categories = "/rest/all/V1/categories/list?searchCriteria[pageSize]=1"

    def statuses(headers: dict[str, str]) -> list[int]:
        return [client.get(path, headers=headers).status_code for path in (products, categories)]

    with TestClient(create_app(settings)) as client:
        assert statuses(narrowed) == [401, 401]  # no role announced: nothing, as Magento
        events.publish(role(9, 1, "Magento_Catalog::categories"))
        assert wait_until(lambda: statuses(narrowed) == [401, 200], 10)
        refused = client.get(products, headers=narrowed).json()
        assert refused["parameters"] == {"resources": "Magento_Catalog::products"}
        assert statuses(other) == [401, 401]
        events.publish(role(9, 2, "Magento_Backend::all"))
        assert wait_until(lambda: statuses(narrowed) == [200, 200], 10)
        events.publish(role(9, 3, gone=True))
        assert wait_until(lambda: statuses(narrowed) == [401, 401], 10)
        events.publish(role(9, 2, "Magento_Backend::all"))  # stale: stays refused
        client.app.state.catalog.consumer.drain()
        assert statuses(narrowed) == [401, 401]
