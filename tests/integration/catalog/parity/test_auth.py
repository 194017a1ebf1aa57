"""Issue #12: the catalog accepts exactly Magento's credentials. For every catalog route, in
every kind of store code (none, a view, `all`, an inactive view, an unknown code), each
credential case answers as the stand-in (Magento 2.4.8): no token, a header that is not a
bearer, a malformed token, one signed with another key, an expired one, a customer's, an
admin's (ours and the stand-in's own)."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from ficus_catalog.testing import bearer
from ficus_legacy import tokens

pytestmark = pytest.mark.integration

Standin = tuple[TestClient, dict[str, str]]
PAGE = "searchCriteria[pageSize]=2&searchCriteria[sortOrders][0][field]=sku"
ROUTES = [
    f"V1/products?{PAGE}",
    "V1/products/{sku}",
    "V1/products/NO-SUCH-SKU",
    "V1/products/types",
    "V1/categories",
    "V1/categories/3",
    f"V1/categories/list?{PAGE}",
]
CODES = ["", "default/", "all/", "archive/", "nowhere/"]
OTHER_KEY = tokens.signing_key("another0deployment0crypt0key0032")
HOUR = 3600


def _credentials() -> dict[str, dict[str, str]]:
    now = time.time()
    return {
        "none": {},
        "empty bearer": {"Authorization": "Bearer "},
        "basic": {"Authorization": "Basic YWRtaW46YWRtaW4xMjM="},
        "malformed": {"Authorization": "Bearer not.a.jwt"},
        "another key": {
            "Authorization": f"Bearer {tokens.issue(OTHER_KEY, 1, tokens.UserType.ADMIN)}"
        },
        "expired": {"Authorization": f"Bearer {bearer(1, now=now - 2 * HOUR)}"},
        "customer": {"Authorization": f"Bearer {bearer(1, tokens.UserType.CUSTOMER)}"},
        "admin": {"Authorization": f"Bearer {bearer(1)}"},
    }


def _sku(standin: Standin) -> str:
    legacy, auth = standin
    return str(legacy.get(f"/rest/all/V1/products?{PAGE}", headers=auth).json()["items"][0]["sku"])


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("case", list(_credentials()))
def test_each_credential_answers_as_the_standin_on_each_route(
    catalog: TestClient, standin: Standin, case: str, code: str
) -> None:
    legacy, _ = standin
    headers, sku = _credentials()[case], _sku(standin)
    for route in ROUTES:
        path = f"/rest/{code}{route.format(sku=sku)}"
        expected, got = legacy.get(path, headers=headers), catalog.get(path, headers=headers)
        assert (got.status_code, got.json()) == (expected.status_code, expected.json()), path
        if case != "admin":
            resource = "categories" if "categories" in route else "products"
            assert got.status_code == 401, path
            assert got.json()["parameters"] == {"resources": f"Magento_Catalog::{resource}"}


def test_the_standins_own_admin_token_is_good_on_the_catalog(
    catalog: TestClient, standin: Standin
) -> None:
    legacy, auth = standin
    for code in ("", "all/", "archive/"):
        path = f"/rest/{code}V1/products/{_sku(standin)}"
        got = catalog.get(path, headers=auth)
        assert got.status_code == 200
        assert got.json() == legacy.get(path, headers=auth).json()


def test_the_issues_anonymous_listing_of_disabled_products_is_refused(
    catalog: TestClient, standin: Standin
) -> None:
    path = (
        "/rest/V1/products?searchCriteria[filter_groups][0][filters][0][field]=status"
        "&searchCriteria[filter_groups][0][filters][0][value]=2"
    )
    for client in (standin[0], catalog):
        for prefix in ("", "/rest/all", "/rest/archive"):
            response = client.get(path.replace("/rest", prefix, 1) if prefix else path)
            assert response.status_code == 401
            assert response.json() == {
                "message": "The consumer isn't authorized to access %resources.",
                "parameters": {"resources": "Magento_Catalog::products"},
            }
