"""Magento's ACL roles in its database (`authorization_role`, `authorization_rule`), written and
read as Magento 2.4.8 does.

- `Authorization/Setup/Patch/Data/InitializeAuthRoles`: the 'G' role "Administrators"
  (tree_level 1, sort_order 1, user_type 2) with one rule, `Magento_Backend::all` allowed.
- An admin user joins a group through a 'U' row (`User/Model/ResourceModel/User::
  _createUserRole`: parent_id = the group, tree_level 2, user_type 2, role_name = first name).
- `Authorization/Model/ResourceModel/Rules::saveRel` replaces a role's rules: only the root
  row when everything is allowed, else allow rows for the posted resources (plus
  `Magento_Backend::admin`) and deny rows for every other resource of the ACL (here: those
  `ficus_legacy.core.acl` knows; without them a child would inherit `Magento_Backend::admin`).
- An integration's role (`Integration/Model/AuthorizationService::grantPermissions`) is a 'U'
  row of user_type 1 with no parent, carrying the integration's rules itself.

The caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ficus_legacy.core import acl
from ficus_legacy.types import Connection

__all__ = [
    "ADMINISTRATORS",
    "assign",
    "create_group",
    "grant_integration",
    "rules_of",
    "save_rules",
    "seed_administrators",
    "unassign",
]

ADMINISTRATORS = "Administrators"
ADMIN_TYPE = 2
INTEGRATION_TYPE = 1


def _insert_role(conn: Connection, values: tuple[object, ...]) -> int:
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO authorization_role (parent_id, tree_level, sort_order, role_type,"
            " user_id, user_type, role_name) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            values,
        )
        return int(cur.lastrowid)


def save_rules(
    conn: Connection, role_id: int, allowed: Iterable[str], denied: Iterable[str] = ()
) -> None:
    """`saveRel`: the role's rules replaced; `[ROOT]` alone is saved as the root row only.
    `denied` adds deny rows by hand (saveRel never writes them beside the root)."""
    allowed, denied = list(allowed), list(denied)
    rows = [(r, "allow") for r in allowed]
    if allowed != [acl.ROOT]:
        extra = [acl.ADMIN_RESOURCE] if acl.ADMIN_RESOURCE not in allowed else []
        others = [r for r in acl.RESOURCES if r not in {*allowed, *extra, *denied}]
        rows = [(r, "allow") for r in [*extra, *allowed]] + [(r, "deny") for r in others]
    rows += [(r, "deny") for r in denied]
    with conn.cursor() as cur:
        cur.execute("DELETE FROM authorization_rule WHERE role_id = %s", (role_id,))
        cur.executemany(
            "INSERT INTO authorization_rule (role_id, resource_id, privileges, permission)"
            " VALUES (%s, %s, NULL, %s)",
            [(role_id, resource, permission) for resource, permission in rows],
        )


def create_group(
    conn: Connection, name: str, allowed: Sequence[str], denied: Sequence[str] = ()
) -> int:
    """A new 'G' role with its rules; its role_id."""
    role_id = _insert_role(conn, (0, 1, 1, "G", 0, str(ADMIN_TYPE), name))
    save_rules(conn, role_id, allowed, denied)
    return role_id


def unassign(conn: Connection, user_type: int, user_id: int) -> None:
    """The user's 'U' rows gone (and an integration's rules with them, by the foreign key)."""
    with conn.cursor() as cur:
        cur.execute(
            "DELETE FROM authorization_role WHERE role_type = 'U' AND user_type = %s"
            " AND user_id = %s",
            (str(user_type), user_id),
        )


def assign(conn: Connection, user_id: int, group_id: int, first_name: str) -> int:
    """The admin user's 'U' row under `group_id` (an earlier one replaced); its role_id."""
    unassign(conn, ADMIN_TYPE, user_id)
    return _insert_role(conn, (group_id, 2, 0, "U", user_id, str(ADMIN_TYPE), first_name))


def grant_integration(conn: Connection, integration_id: int, allowed: Sequence[str]) -> int:
    """`grantPermissions`: the integration's own 'U' role with its rules; its role_id."""
    unassign(conn, INTEGRATION_TYPE, integration_id)
    role = (0, 0, 0, "U", integration_id, str(INTEGRATION_TYPE), str(integration_id))
    role_id = _insert_role(conn, role)
    save_rules(conn, role_id, allowed)
    return role_id


def seed_administrators(conn: Connection, user_id: int = 1, first_name: str = "admin") -> None:
    """The install's "Administrators" role, and `user_id` in it, unless the user has a role."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT COUNT(*) FROM authorization_role WHERE role_type = 'U' AND user_type = %s"
            " AND user_id = %s",
            (str(ADMIN_TYPE), user_id),
        )
        row = cur.fetchone()
        if row and row[0]:
            return
        cur.execute(
            "SELECT MIN(role_id) FROM authorization_role WHERE role_type = 'G' AND role_name = %s",
            (ADMINISTRATORS,),
        )
        found = cur.fetchone()
    group = found[0] if found and found[0] else create_group(conn, ADMINISTRATORS, [acl.ROOT])
    assign(conn, user_id, int(group), first_name)


def rules_of(conn: Connection, user_type: int, user_id: int) -> acl.Rules:
    """The user's ACL rules as Magento loads them: their group's rows, then their own 'U'
    role's rows (which take precedence); none for a user without a role."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT role_id, parent_id FROM authorization_role WHERE role_type = 'U'"
            " AND user_type = %s AND user_id = %s ORDER BY role_id LIMIT 1",
            (str(user_type), user_id),
        )
        role = cur.fetchone()
        if role is None:
            return acl.NONE
        cur.execute(
            "SELECT r.resource_id, r.permission FROM authorization_rule r"
            " LEFT JOIN authorization_role g ON g.role_id = r.role_id AND g.role_type = 'G'"
            " WHERE (r.role_id = %s AND g.role_id IS NOT NULL) OR r.role_id = %s"
            " ORDER BY r.role_id = %s, r.rule_id",
            (role[1], role[0], role[0]),
        )
        rows = cur.fetchall()
    return acl.rules_from_rows({"resource_id": r[0], "permission": r[1]} for r in rows)
