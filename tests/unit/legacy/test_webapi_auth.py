"""Magento's web API authorization rules: who may call a route of which ACL resources."""

from __future__ import annotations

import pytest

from ficus_legacy.core.acl import Rules
from ficus_legacy.core.webapi_auth import (
    ADMIN,
    ALL_RESOURCES,
    CUSTOMER,
    GUEST,
    INTEGRATION,
    Caller,
    bearer,
    is_allowed,
    not_authorized_body,
)

PRODUCTS = ("Magento_Catalog::products",)
ADMIN_CALLER = Caller(ADMIN, 1, Rules(frozenset({ALL_RESOURCES})))
CUSTOMER_CALLER = Caller(CUSTOMER, 7)


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc", "abc"),
        ("bearer  abc ", "abc"),
        ("BEARER abc", "abc"),
        ("Bearer", None),
        ("Bearer   ", None),
        ("Basic abc", None),
        ("", None),
        ("abc", None),
    ],
)
def test_bearer_reads_the_token_as_magento(header: str, token: str | None) -> None:
    assert bearer(header) == token


def test_an_admin_route_needs_an_admin() -> None:
    assert is_allowed(ADMIN_CALLER, PRODUCTS)
    assert not is_allowed(GUEST, PRODUCTS)
    assert not is_allowed(CUSTOMER_CALLER, PRODUCTS)
    assert not is_allowed(Caller(ADMIN, 1), PRODUCTS)  # an admin without a role: nothing


def test_an_admin_role_grants_its_resources_only() -> None:
    narrowed = Caller(ADMIN, 2, Rules(frozenset({"Magento_Catalog::categories"})))
    assert not is_allowed(narrowed, PRODUCTS)
    assert is_allowed(narrowed, ("Magento_Catalog::categories",))
    assert is_allowed(Caller(ADMIN, 2, Rules(frozenset({ALL_RESOURCES}))), PRODUCTS)
    assert not is_allowed(Caller(ADMIN, 2, Rules()), PRODUCTS)


def test_an_integration_is_allowed_its_roles_resources() -> None:
    integration = Caller(INTEGRATION, 3, Rules(frozenset(PRODUCTS)))
    assert is_allowed(integration, PRODUCTS)
    assert not is_allowed(integration, ("Magento_Customer::customer",))
    assert not is_allowed(integration, ("self",))


def test_anonymous_and_self() -> None:
    for caller in (GUEST, ADMIN_CALLER, CUSTOMER_CALLER):
        assert is_allowed(caller, ("anonymous",))
    assert is_allowed(CUSTOMER_CALLER, ("self",))
    assert not is_allowed(GUEST, ("self",))
    assert not is_allowed(ADMIN_CALLER, ("self",))


def test_every_resource_of_a_route_must_be_allowed() -> None:
    both = ("Magento_Catalog::products", "Magento_Catalog::categories")
    assert not is_allowed(Caller(ADMIN, 2, Rules(frozenset(PRODUCTS))), both)
    assert is_allowed(ADMIN_CALLER, both)


def test_the_401_body_is_magentos() -> None:
    assert not_authorized_body(("A", "B")) == {
        "message": "The consumer isn't authorized to access %resources.",
        "parameters": {"resources": "A, B"},
    }
