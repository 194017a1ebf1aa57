"""Domain events as the services' integration tests publish them (sync's side of the contract)."""

from __future__ import annotations

import uuid
from typing import Any

import pymysql

from ficus_contracts.auth import BEARER_PATH, AdminRoleState, admin_role_aggregate_id
from ficus_contracts.events import DomainEvent, EventKind, StoreState
from ficus_sync.core.credentials import admin_role_states, flag_set, integration_token_states


def store_event(store_id: int, version: int, code: str | None, **fields: Any) -> DomainEvent:
    """An upsert of store view `store_id` with `code` (other fields: a plain active view of
    website 1, overridable), or its deletion (code None)."""
    state = None
    if code is not None:
        values: dict[str, Any] = {
            "store_id": store_id, "code": code, "website_id": 1, "website_code": "base",
            "group_id": 1, "name": code.title(), "is_active": True,
        }  # fmt: skip
        state = StoreState(**{**values, **fields})
    return DomainEvent(
        aggregate="store",
        aggregate_id=uuid.uuid5(uuid.NAMESPACE_URL, f"ficus:test:store:{store_id}"),
        entity_id=store_id,
        version=version,
        kind=EventKind.UPSERTED if state else EventKind.DELETED,
        payload=state,
    )


def role_event(user_id: int, version: int, state: AdminRoleState | None) -> DomainEvent:
    """Admin `user_id`'s `admin_role` event: upserted with `state`, or deleted (None)."""
    return DomainEvent(
        aggregate="admin_role",
        aggregate_id=admin_role_aggregate_id(user_id),
        entity_id=user_id,
        version=version,
        kind=EventKind.UPSERTED if state else EventKind.DELETED,
        payload=state,
    )


def admin_role_event(
    user_id: int = 1,
    resources: tuple[str, ...] = ("Magento_Backend::all",),
    version: int = 1,
    denied: tuple[str, ...] = (),
) -> DomainEvent:
    """Admin `user_id`'s role as sync emits it (default: Magento's install, admin user 1 in
    Administrators, every resource)."""
    state = AdminRoleState(
        user_id=user_id, role_id=1, resources=tuple(sorted(resources)), denied=denied
    )
    return role_event(user_id, version, state)


def _rows(conn: Any, sql: str, *args: Any) -> list[dict[str, Any]]:
    with conn.cursor(pymysql.cursors.DictCursor) as cur:
        cur.execute(sql, args)
        rows = list(cur.fetchall())
    conn.commit()
    return rows


def synced_role_event(conn: Any, user_id: int, version: int) -> DomainEvent:
    """What sync emits for the admin's role rows in MariaDB now (its own projection of them)."""
    users = _rows(conn, "SELECT * FROM authorization_role WHERE user_id = %s", user_id)
    groups = _rows(conn, "SELECT * FROM authorization_role WHERE role_type = 'G'")
    rules = _rows(conn, "SELECT * FROM authorization_rule")
    return role_event(user_id, version, admin_role_states(users, groups, rules).get(user_id))


def synced_token_event(conn: Any, token_id: int, version: int) -> DomainEvent:
    """What sync emits for an `oauth_token` row in MariaDB now (its own projection of the
    token, its integration, that integration's role and the bearer flag)."""
    tokens = _rows(conn, "SELECT * FROM oauth_token WHERE entity_id = %s", token_id)
    flag = _rows(
        conn,
        "SELECT value FROM core_config_data WHERE scope = 'default' AND scope_id = 0 AND path = %s",
        BEARER_PATH,
    )
    state = integration_token_states(
        tokens,
        _rows(conn, "SELECT * FROM integration"),
        _rows(conn, "SELECT * FROM authorization_role WHERE role_type = 'U' AND user_type = '1'"),
        _rows(conn, "SELECT * FROM authorization_rule"),
        bool(flag) and flag_set(flag[0]["value"]),
    ).get(token_id)
    return DomainEvent(
        aggregate="integration_token",
        aggregate_id=uuid.uuid5(uuid.NAMESPACE_URL, f"test:integration_token:{token_id}"),
        entity_id=token_id,
        version=version,
        kind=EventKind.UPSERTED if state else EventKind.DELETED,
        payload=state,
    )
