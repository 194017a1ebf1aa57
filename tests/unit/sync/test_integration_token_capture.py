"""Integration tokens in sync's pure core: which rows touch an `integration_token` (directly or
through their consumer, integration, role or the bearer flag) and the state built from rows
as Magento's `TokenUserContext` resolves a token."""

from __future__ import annotations

import pytest

from ficus_contracts.auth import BEARER_PATH, token_sha256
from ficus_sync.core.credentials import flag_set, integration_token_states
from ficus_sync.core.envelope import Row
from ficus_sync.core.tables import CAPTURED, ROLE, touched
from ficus_sync.core.touches import TouchSet

TOKEN = "abcdefghijklmnopqrstuvwxyz012345"


def _token(entity_id: int = 4, consumer: int = 7, **row: object) -> Row:
    return {"entity_id": entity_id, "consumer_id": consumer, "type": "access", "token": TOKEN,
            "revoked": 0, "user_type": 1, **row}  # fmt: skip


def _role(role_id: int, user_id: int, user_type: str = "1") -> Row:
    return {"role_id": role_id, "parent_id": 0, "role_type": "U", "user_id": user_id,
            "user_type": user_type}  # fmt: skip


@pytest.mark.parametrize(
    ("table", "row", "expected"),
    [
        ("oauth_token", _token(), [("integration_token", 4)]),
        ("integration", {"integration_id": 9, "consumer_id": 7}, [("oauth_consumer", 7)]),
        ("authorization_role", _role(12, 9), [("integration", 9)]),
        ("authorization_rule", {"rule_id": 1, "role_id": 12}, [(ROLE, 12)]),
        ("core_config_data", {"path": BEARER_PATH, "value": "1"}, [("core_config_data", 0)]),
        ("core_config_data", {"path": "web/secure/base_url", "value": "x"}, []),
        ("oauth_consumer", {"entity_id": 7}, []),  # its deletion cascades to rows that touch
    ],
)  # fmt: skip
def test_token_rows_touch_their_tokens(table: str, row: Row, expected: object) -> None:
    assert touched(table, row) == expected


def test_the_token_tables_are_captured_and_links_wait_for_the_mirror() -> None:
    assert {"oauth_consumer", "oauth_token", "integration", "core_config_data"} <= set(CAPTURED)
    touches = TouchSet()
    touches.add_row("integration", {"integration_id": 9, "consumer_id": 7})
    touches.add_row("oauth_token", _token())
    assert touches.keys == {("integration_token", 4)}
    assert touches.token_links == {("oauth_consumer", 7)}
    touches.resolve_tokens([5])
    assert touches.keys == {("integration_token", 4), ("integration_token", 5)}
    assert not touches.token_links


def test_a_token_carries_its_hash_its_integration_and_that_integrations_own_role() -> None:
    integrations = [{"integration_id": 9, "consumer_id": 7, "status": 1}]
    roles = [_role(12, 9), _role(11, 9, user_type="2")]  # an admin 9's row is not its role
    rules = [
        {"rule_id": 1, "role_id": 12, "resource_id": "Magento_Catalog::products",
         "permission": "allow"},
        {"rule_id": 2, "role_id": 12, "resource_id": "Magento_Sales::sales",
         "permission": "deny"},
        {"rule_id": 3, "role_id": 11, "resource_id": "Magento_Backend::all",
         "permission": "allow"},
    ]  # fmt: skip
    states = integration_token_states([_token()], integrations, roles, rules, True)
    state = states[4]
    assert state.token_sha256 == token_sha256(TOKEN) and TOKEN not in state.model_dump_json()
    assert (state.integration_id, state.status, state.user_type) == (9, 1, 1)
    assert state.resources == ("Magento_Catalog::products",)
    assert state.denied == ("Magento_Sales::sales",)
    assert state.bearer_enabled and not state.revoked


def test_a_token_without_integration_or_role_allows_nothing() -> None:
    state = integration_token_states([_token(revoked=1)], [], [], [], False)[4]
    assert state.integration_id is None and state.resources == () and state.revoked
    assert not state.bearer_enabled


@pytest.mark.parametrize(("value", "expected"), [(None, False), ("", False), ("0", False),
                                                 ("1", True), ("0.0", True)])  # fmt: skip
def test_the_bearer_flag_reads_as_php_casts_it(value: object, expected: bool) -> None:
    assert flag_set(value) is expected
