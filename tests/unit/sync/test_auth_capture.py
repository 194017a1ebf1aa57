"""Credential aggregates in sync's pure core: which rows touch an `auth_revocation` or an
`admin_role`, their internal keys and fixed aggregate ids, and the states built from rows."""

from __future__ import annotations

import pytest

from ficus_contracts.auth import (
    AdminRoleState,
    AuthRevocationState,
    admin_role_aggregate_id,
    revocation_aggregate_id,
)
from ficus_sync.core.credentials import admin_role_states, group_ids, revocation_states
from ficus_sync.core.envelope import Row
from ficus_sync.core.tables import (
    CAPTURED,
    ROLE,
    event_entity_id,
    fixed_uuid,
    revocation_key,
    touched,
)

ADMIN, CUSTOMER = 2, 3


def _user(role_id: int, parent: int, user_id: int, user_type: str = "2") -> Row:
    return {"role_id": role_id, "parent_id": parent, "role_type": "U", "user_id": user_id,
            "user_type": user_type}  # fmt: skip


@pytest.mark.parametrize(
    ("table", "row", "expected"),
    [
        ("jwt_auth_revoked", {"user_type_id": 3, "user_id": 5, "revoke_before": 9},
         [("auth_revocation", revocation_key(3, 5))]),
        ("authorization_role", _user(7, 1, 5), [("admin_role", 5)]),
        ("authorization_role", _user(7, 1, 5, user_type="3"), []),  # an integration's row
        ("authorization_role", {"role_id": 1, "role_type": "G", "user_id": 0}, [(ROLE, 1)]),
        ("authorization_rule", {"rule_id": 4, "role_id": 1, "permission": "allow"}, [(ROLE, 1)]),
    ],
)  # fmt: skip
def test_credential_rows_touch_their_aggregate(table: str, row: Row, expected: object) -> None:
    assert touched(table, row) == expected


def test_the_credential_tables_are_captured() -> None:
    assert {"jwt_auth_revoked", "authorization_role", "authorization_rule"} <= set(CAPTURED)


def test_a_customer_and_an_admin_of_one_id_are_two_revocations() -> None:
    customer, admin = revocation_key(CUSTOMER, 5), revocation_key(ADMIN, 5)
    assert customer != admin
    assert event_entity_id("auth_revocation", customer) == event_entity_id("auth_revocation", admin)
    assert event_entity_id("auth_revocation", admin) == 5
    assert fixed_uuid("auth_revocation", customer) == revocation_aggregate_id(CUSTOMER, 5)
    assert fixed_uuid("auth_revocation", admin) == revocation_aggregate_id(ADMIN, 5)
    assert fixed_uuid("admin_role", 5) == admin_role_aggregate_id(5)
    assert fixed_uuid("customer", 5) is None
    assert event_entity_id("customer", 5) == 5


def test_revocation_states_by_internal_key() -> None:
    rows = [{"user_type_id": 3, "user_id": 5, "revoke_before": 100},
            {"user_type_id": 2, "user_id": 5, "revoke_before": 200}]  # fmt: skip
    assert revocation_states(rows) == {
        revocation_key(3, 5): AuthRevocationState(user_type_id=3, user_id=5, revoke_before=100),
        revocation_key(2, 5): AuthRevocationState(user_type_id=2, user_id=5, revoke_before=200),
    }


def test_admin_role_states_resolve_the_group_and_its_rules() -> None:
    users = [_user(10, 1, 5), _user(11, 2, 6), _user(12, 9, 7), _user(13, 1, 8, user_type="3")]
    groups = [{"role_id": 1, "role_type": "G"}, {"role_id": 2, "role_type": "G"}]
    rules = [
        {"role_id": 1, "resource_id": "Magento_Catalog::products", "permission": "allow"},
        {"role_id": 1, "resource_id": "Magento_Backend::admin", "permission": "allow"},
        {"role_id": 1, "resource_id": "Magento_Sales::sales", "permission": "deny"},
    ]
    assert group_ids(users) == [1, 2, 9]
    assert admin_role_states(users, groups, rules) == {
        5: AdminRoleState(
            user_id=5, role_id=1,
            resources=("Magento_Backend::admin", "Magento_Catalog::products"),
            denied=("Magento_Sales::sales",),
        ),
        6: AdminRoleState(user_id=6, role_id=2, resources=()),
    }  # user 7's group 9 is gone: no state (deleted); user 8 is not an admin  # fmt: skip
