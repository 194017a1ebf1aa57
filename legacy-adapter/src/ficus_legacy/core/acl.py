"""Magento 2.4.8's admin ACL (pure): a role's `authorization_rule` rows and how
`Framework\\Acl` (Laminas ACL) answers `isAllowed(role, resource)` from them.

How Magento loads the rules (`Authorization\\Model\\Acl\\Loader\\Rule::populateAcl`): every row
of the role, in table order; `allow` on the root resource (`Magento_Backend::all`) allows every
resource (`allow($role, null)`), `allow` on another resource allows it, `deny` denies it; a later
row on the same resource replaces an earlier one. A user's 'U' role inherits its group ('G')
role's rules and has none of its own.

How Laminas answers: the resource's own rule, else its parent's (acl.xml's tree), up to the
tree's top, else the rule on every resource (the root's `allow`), else denied. When Magento saves
a narrowed role (`ResourceModel\\Rules::saveRel`) it writes an allow or deny row for every
resource, so the tree matters only for rows written by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ADMIN_RESOURCE",
    "NONE",
    "PARENTS",
    "RESOURCES",
    "ROOT",
    "Rules",
    "allows",
    "rules_from_rows",
]

ROOT = "Magento_Backend::all"
# `Backend\App\AbstractAction::ADMIN_RESOURCE`: saveRel allows it for every narrowed role.
ADMIN_RESOURCE = "Magento_Backend::admin"
# acl.xml's parents of the resources the REST routes served here name (Magento 2.4.8).
PARENTS: Mapping[str, str] = {
    "Magento_Catalog::catalog": ADMIN_RESOURCE,
    "Magento_Catalog::catalog_inventory": "Magento_Catalog::catalog",
    "Magento_Catalog::products": "Magento_Catalog::catalog_inventory",
    "Magento_Catalog::categories": "Magento_Catalog::catalog_inventory",
    "Magento_Customer::customer": ADMIN_RESOURCE,
    "Magento_Customer::manage": "Magento_Customer::customer",
    "Magento_Customer::actions": "Magento_Customer::manage",
    "Magento_Customer::delete": "Magento_Customer::actions",
    "Magento_Customer::group": "Magento_Customer::customer",
    "Magento_Backend::stores": ADMIN_RESOURCE,
    "Magento_Backend::stores_settings": "Magento_Backend::stores",
    "Magento_Backend::store": "Magento_Backend::stores_settings",
    "Magento_Config::config": "Magento_Backend::stores_settings",
    "Magento_CatalogInventory::cataloginventory": "Magento_Config::config",
    "Magento_Sales::sales": ADMIN_RESOURCE,
    "Magento_Sales::sales_operation": "Magento_Sales::sales",
    "Magento_Sales::sales_order": "Magento_Sales::sales_operation",
    "Magento_Sales::actions": "Magento_Sales::sales_order",
    "Magento_Sales::actions_view": "Magento_Sales::actions",
}


RESOURCES: tuple[str, ...] = (ROOT, ADMIN_RESOURCE, *PARENTS)
"""The resources of the ACL known here (saveRel writes a row for each)."""


@dataclass(frozen=True)
class Rules:
    """A role's rules: the resources it allows and the ones it denies (disjoint)."""

    allowed: frozenset[str] = frozenset()
    denied: frozenset[str] = frozenset()


NONE = Rules()


def rules_from_rows(rows: Iterable[Mapping[str, Any]]) -> Rules:
    """The rules of a role's `authorization_rule` rows (`resource_id`, `permission`), given in
    table order: the last row on a resource counts, rows of another permission are ignored."""
    verdict: dict[str, bool] = {}
    for row in rows:
        resource, permission = row.get("resource_id"), row.get("permission")
        if resource is not None and permission in ("allow", "deny"):
            verdict[str(resource)] = permission == "allow"
    return Rules(
        allowed=frozenset(r for r, ok in verdict.items() if ok),
        denied=frozenset(r for r, ok in verdict.items() if not ok),
    )


def allows(rules: Rules, resource: str) -> bool:
    """Laminas' `isAllowed(role, resource)` for a role with these rules."""
    node: str | None = resource
    while node is not None:
        if node in rules.denied:
            return False
        if node in rules.allowed:
            return True
        node = PARENTS.get(node)
    return ROOT in rules.allowed
