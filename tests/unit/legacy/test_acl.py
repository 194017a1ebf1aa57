"""Magento's admin ACL from a role's `authorization_rule` rows (Laminas' isAllowed)."""

from __future__ import annotations

from ficus_legacy.core.acl import ROOT, Rules, allows, rules_from_rows

PRODUCTS = "Magento_Catalog::products"


def _rows(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"resource_id": r, "permission": p} for r, p in pairs]


def test_the_root_allows_every_resource() -> None:
    rules = rules_from_rows(_rows((ROOT, "allow")))
    assert allows(rules, PRODUCTS) and allows(rules, "Vendor_Module::anything")


def test_a_denied_resource_is_denied_even_under_the_root() -> None:
    rules = rules_from_rows(_rows((ROOT, "allow"), (PRODUCTS, "deny")))
    assert not allows(rules, PRODUCTS)
    assert allows(rules, "Magento_Catalog::categories")


def test_a_narrowed_role_as_saverel_writes_it() -> None:
    rules = rules_from_rows(
        _rows(
            ("Magento_Backend::admin", "allow"),
            ("Magento_Catalog::catalog", "allow"),
            ("Magento_Catalog::catalog_inventory", "allow"),
            (PRODUCTS, "allow"),
            ("Magento_Catalog::categories", "deny"),
            ("Magento_Customer::customer", "deny"),
        )
    )
    assert allows(rules, PRODUCTS)
    assert not allows(rules, "Magento_Catalog::categories")
    assert not allows(rules, "Magento_Customer::manage")  # inherits its parent's deny


def test_a_resource_without_a_row_inherits_its_parent() -> None:
    rules = rules_from_rows(_rows(("Magento_Customer::customer", "allow")))
    assert allows(rules, "Magento_Customer::delete")
    assert not allows(rules, PRODUCTS)


def test_the_last_row_on_a_resource_counts_and_others_are_ignored() -> None:
    rules = rules_from_rows(
        [
            *_rows((PRODUCTS, "allow"), (PRODUCTS, "deny")),
            {"resource_id": None, "permission": "allow"},
        ]
    )
    assert rules == Rules(denied=frozenset({PRODUCTS}))
    assert not allows(Rules(), PRODUCTS)
