"""Credential aggregates from their Magento rows (pure): `auth_revocation` from
`jwt_auth_revoked`, `admin_role` from `authorization_role` + `authorization_rule`,
`integration_token` from `oauth_token` + `integration` + the integration's own role and rules +
the bearer flag (`ficus_contracts.auth` defines them)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ficus_contracts.auth import (
    AdminRoleState,
    AuthRevocationState,
    IntegrationTokenState,
    token_sha256,
)
from ficus_legacy.core import acl
from ficus_sync.core.tables import is_admin_user_row, is_integration_row, revocation_key

Row = Mapping[str, Any]


def revocation_states(rows: Iterable[Row]) -> dict[int, AuthRevocationState]:
    """Each `jwt_auth_revoked` row as its state, by internal key (`revocation_key`)."""
    states: dict[int, AuthRevocationState] = {}
    for row in rows:
        state = AuthRevocationState(
            user_type_id=int(row["user_type_id"]),
            user_id=int(row["user_id"]),
            revoke_before=int(row["revoke_before"]),
        )
        states[revocation_key(state.user_type_id, state.user_id)] = state
    return states


def group_ids(user_rows: Iterable[Row]) -> list[int]:
    """The group roles the admin users' 'U' rows name."""
    return sorted({int(r["parent_id"]) for r in user_rows if is_admin_user_row(r)})


def admin_role_states(
    user_rows: Iterable[Row], group_rows: Iterable[Row], rule_rows: Iterable[Row]
) -> dict[int, AdminRoleState]:
    """Each admin user's role (by user id): their 'U' row's group role ('G', present) and
    that role's allowed and denied resources (`ficus_legacy.core.acl`), sorted. A user
    whose group is gone has no state (deleted);
    of several 'U' rows of one user the lowest role_id counts, as Magento loads it."""
    groups = {int(r["role_id"]) for r in group_rows if str(r.get("role_type")) == "G"}
    by_role: dict[int, list[Row]] = {}
    for rule in sorted(rule_rows, key=lambda r: int(r.get("rule_id") or 0)):
        by_role.setdefault(int(rule["role_id"]), []).append(rule)
    states: dict[int, AdminRoleState] = {}
    for row in sorted(user_rows, key=lambda r: int(r["role_id"]), reverse=True):
        parent = int(row["parent_id"] or 0)
        if not is_admin_user_row(row) or parent not in groups:
            continue
        user_id = int(row["user_id"])
        rules = acl.rules_from_rows(by_role.get(parent, ()))
        states[user_id] = AdminRoleState(
            user_id=user_id,
            role_id=parent,
            resources=tuple(sorted(rules.allowed)),
            denied=tuple(sorted(rules.denied)),
        )
    return states


def flag_set(value: object) -> bool:
    """A config value as `ScopeConfigInterface::isSetFlag` reads it (PHP's bool cast)."""
    return value is not None and str(value) not in ("", "0")


def integration_roles(role_rows: Iterable[Row]) -> dict[int, int]:
    """Each integration's own role (integration id -> role_id): its 'U' rows of user_type 1,
    the lowest role_id first, as `WebapiRoleLocator` takes the collection's first item."""
    found: dict[int, int] = {}
    for row in sorted(role_rows, key=lambda r: int(r["role_id"]), reverse=True):
        if is_integration_row(row) and row.get("user_id"):
            found[int(row["user_id"])] = int(row["role_id"])
    return found


def integration_token_states(
    tokens: Iterable[Row],
    integrations: Iterable[Row],
    role_rows: Iterable[Row],
    rule_rows: Iterable[Row],
    bearer_enabled: bool,
) -> dict[int, IntegrationTokenState]:
    """Each `oauth_token` row (by entity_id) as Magento's `TokenUserContext` would resolve
    it: its integration by consumer_id, that integration's own role's resources."""
    by_consumer = {int(r["consumer_id"]): r for r in integrations if r.get("consumer_id")}
    roles = integration_roles(role_rows)
    by_role: dict[int, list[Row]] = {}
    for rule in sorted(rule_rows, key=lambda r: int(r.get("rule_id") or 0)):
        by_role.setdefault(int(rule["role_id"]), []).append(rule)
    states: dict[int, IntegrationTokenState] = {}
    for token in tokens:
        integration = by_consumer.get(int(token.get("consumer_id") or 0))
        integration_id = None if integration is None else int(integration["integration_id"])
        rules = acl.rules_from_rows(by_role.get(roles.get(integration_id or 0, 0), ()))
        states[int(token["entity_id"])] = IntegrationTokenState(
            token_id=int(token["entity_id"]),
            token_sha256=token_sha256(str(token["token"])),
            user_type=None if token.get("user_type") is None else int(token["user_type"]),
            revoked=bool(int(token.get("revoked") or 0)),
            integration_id=integration_id,
            status=None if integration is None else int(integration["status"]),
            bearer_enabled=bearer_enabled,
            resources=tuple(sorted(rules.allowed)),
            denied=tuple(sorted(rules.denied)),
        )
    return states
