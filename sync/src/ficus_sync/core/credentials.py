"""Credential aggregates from their Magento rows (pure): `auth_revocation` from
`jwt_auth_revoked`, `admin_role` from `authorization_role` + `authorization_rule`
(`ficus_contracts.auth` defines both)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ficus_contracts.auth import AdminRoleState, AuthRevocationState
from ficus_legacy.core import acl
from ficus_sync.core.tables import is_admin_user_row, revocation_key

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
