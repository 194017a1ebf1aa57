"""The `auth_revocation` aggregate: a `jwt_auth_revoked` row as a domain event payload."""

from __future__ import annotations

import pytest

from ficus_contracts.auth import (
    AdminRoleState,
    AuthRevocationState,
    admin_role_aggregate_id,
    revocation_aggregate_id,
)
from ficus_feed.core import parse_event
from ficus_feed.errors import InvalidEvent

ROW = {"user_type_id": 2, "user_id": 7, "revoke_before": 1_765_000_000}


def _row(**overrides: object) -> dict[str, object]:
    return {
        "aggregate": "auth_revocation",
        "aggregate_id": str(revocation_aggregate_id(2, 7)),
        "entity_id": 7,
        "version": 1,
        "kind": "upserted",
        "payload": ROW,
        **overrides,
    }


def test_a_row_parses_to_its_state_keyed_by_user() -> None:
    event = parse_event(_row())
    assert event.payload == AuthRevocationState(**ROW)
    assert event.aggregate_id == revocation_aggregate_id(2, 7) != revocation_aggregate_id(3, 7)


@pytest.mark.parametrize(
    "bad",
    [
        {"entity_id": 8},  # entity_id is the user's id
        {"payload": {**ROW, "extra": 1}},
        {"payload": {"user_type_id": 2, "user_id": 7}},
    ],
)
def test_a_malformed_event_is_invalid(bad: dict[str, object]) -> None:
    with pytest.raises(InvalidEvent):
        parse_event(_row(**bad))


def test_an_admin_role_parses_keyed_by_admin() -> None:
    payload = {"user_id": 9, "role_id": 1, "resources": ["Magento_Catalog::products"]}
    event = parse_event(
        _row(
            aggregate="admin_role",
            aggregate_id=str(admin_role_aggregate_id(9)),
            entity_id=9,
            payload=payload,
        )
    )
    assert event.payload == AdminRoleState(
        user_id=9, role_id=1, resources=("Magento_Catalog::products",)
    )
    with pytest.raises(InvalidEvent):  # a role is no revocation
        parse_event(_row(aggregate="admin_role", payload=ROW))
