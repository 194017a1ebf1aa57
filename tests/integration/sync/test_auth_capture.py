"""Forward sync of the credential aggregates on real MariaDB + Postgres (embedded engine): a
`jwt_auth_revoked` row becomes one `auth_revocation` event (a customer and an admin of one id
apart), and a rule change of a group role becomes one `admin_role` event per admin user of it."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from ficus_contracts.auth import admin_role_aggregate_id, revocation_aggregate_id
from ficus_sync.settings import SyncSettings
from tests.integration.sync.helpers import sync_in_thread, wait_caught_up
from tests.integration.sync.shop import Shop

pytestmark = pytest.mark.integration
Event = tuple[str, int, int, str, Any]  # aggregate_id, entity_id, version, kind, payload


def _events(settings: SyncSettings, aggregate: str) -> list[Event]:
    with psycopg.connect(settings.postgres_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT aggregate_id, entity_id, version, kind, payload FROM domain_event"
            " WHERE aggregate = %s ORDER BY seq",
            (aggregate,),
        ).fetchall()
    return [(str(a), int(e), int(v), str(k), p) for a, e, v, k, p in rows]


def _sql(shop: Shop, sql: str, *args: Any) -> int:
    with shop.conn.cursor() as cur:
        cur.execute(sql, args)
        return int(cur.lastrowid or 0)


def _role(shop: Shop, name: str, *resources: str) -> int:
    role = _sql(
        shop, "INSERT INTO authorization_role (parent_id, tree_level, role_type, user_id,"
        " user_type, role_name) VALUES (0, 1, 'G', 0, '2', %s)", name,
    )  # fmt: skip
    for resource in resources:
        _rule(shop, role, resource)
    return role


def _rule(shop: Shop, role: int, resource: str, permission: str = "allow") -> None:
    _sql(
        shop, "INSERT INTO authorization_rule (role_id, resource_id, permission)"
        " VALUES (%s, %s, %s)", role, resource, permission,
    )  # fmt: skip


def _admin(shop: Shop, group: int, user_id: int) -> int:
    return _sql(
        shop, "INSERT INTO authorization_role (parent_id, tree_level, role_type, user_id,"
        " user_type, role_name) VALUES (%s, 2, 'U', %s, '2', 'someone')", group, user_id,
    )  # fmt: skip


def test_revocations_become_events(shop: Shop, sync_settings: SyncSettings) -> None:
    _sql(shop, "INSERT INTO jwt_auth_revoked VALUES (3, 5, 1000)")  # a customer 5 …
    shop.conn.commit()
    with sync_in_thread(sync_settings):
        wait_caught_up(sync_settings)
        customer = (str(revocation_aggregate_id(3, 5)), 5, 1, "upserted",
                    {"user_type_id": 3, "user_id": 5, "revoke_before": 1000})  # fmt: skip
        assert _events(sync_settings, "auth_revocation") == [customer]

        _sql(shop, "INSERT INTO jwt_auth_revoked VALUES (2, 5, 2000)")  # … and an admin 5
        _sql(shop, "UPDATE jwt_auth_revoked SET revoke_before = 3000 WHERE user_type_id = 3")
        shop.conn.commit()
        wait_caught_up(sync_settings)
        events = _events(sync_settings, "auth_revocation")[1:]
        assert sorted(events) == sorted([
            (str(revocation_aggregate_id(2, 5)), 5, 1, "upserted",
             {"user_type_id": 2, "user_id": 5, "revoke_before": 2000}),
            (str(revocation_aggregate_id(3, 5)), 5, 2, "upserted",
             {"user_type_id": 3, "user_id": 5, "revoke_before": 3000}),
        ])  # fmt: skip

        _sql(shop, "DELETE FROM jwt_auth_revoked WHERE user_type_id = 2")
        shop.conn.commit()
        wait_caught_up(sync_settings)
        assert _events(sync_settings, "auth_revocation")[3:] == [
            (str(revocation_aggregate_id(2, 5)), 5, 2, "deleted", None)
        ]


def _mine(settings: SyncSettings) -> list[Event]:
    """The admin_role events of the test's admins (not the install's admin 1)."""
    return [e for e in _events(settings, "admin_role") if e[1] in (11, 12, 13)]


def test_a_group_rule_change_is_one_event_per_admin(
    shop: Shop, sync_settings: SyncSettings
) -> None:
    editors = _role(shop, "Editors", "Magento_Catalog::products")
    others = _role(shop, "Others", "Magento_Sales::sales")
    ada, grace = _admin(shop, editors, 11), _admin(shop, editors, 12)
    _admin(shop, others, 13)
    shop.conn.commit()
    with sync_in_thread(sync_settings):
        wait_caught_up(sync_settings)
        assert {e[1] for e in _events(sync_settings, "admin_role")} == {1, 11, 12, 13}
        first = {e[1]: e for e in _mine(sync_settings)}
        state = {"user_id": 11, "role_id": editors,
                 "resources": ["Magento_Catalog::products"], "denied": []}  # fmt: skip
        assert first[11] == (str(admin_role_aggregate_id(11)), 11, 1, "upserted", state)

        _rule(shop, editors, "Magento_Backend::dashboard")
        _rule(shop, editors, "Magento_Sales::sales", permission="deny")
        shop.conn.commit()
        wait_caught_up(sync_settings)
        changed = _mine(sync_settings)[3:]
        assert sorted((e[1], e[2], e[4]["resources"], e[4]["denied"]) for e in changed) == [
            (user, 2, ["Magento_Backend::dashboard", "Magento_Catalog::products"],
             ["Magento_Sales::sales"])
            for user in (11, 12)
        ]  # fmt: skip

        _sql(shop, "UPDATE authorization_role SET parent_id = %s WHERE role_id = %s", others, ada)
        _sql(shop, "DELETE FROM authorization_role WHERE role_id = %s", grace)
        _sql(shop, "DELETE FROM authorization_role WHERE role_id = %s", others)  # cascades rules
        shop.conn.commit()
        wait_caught_up(sync_settings)
        last = {e[1]: e[2:4] for e in _mine(sync_settings)[5:]}
        assert last == {11: (3, "deleted"), 12: (3, "deleted"), 13: (2, "deleted")}
