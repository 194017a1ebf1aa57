"""Parity with the Magento stand-in on a generated store: the catalog, fed with the reference
flattening of MariaDB as domain events, answers the same JSON as the stand-in for every sku
sampled, in every store view, and the same pages for a set of searchCriteria."""

from __future__ import annotations

import random

import pytest
from fastapi.testclient import TestClient

from tests.integration.catalog.parity.conftest import PRODUCTS

pytestmark = pytest.mark.integration


def test_product_json_equals_the_standin_in_every_store_view(
    catalog: TestClient, standin: tuple[TestClient, dict[str, str]], stores: dict[str, int]
) -> None:
    legacy, auth = standin
    page = legacy.get("/rest/all/V1/products?searchCriteria[pageSize]=0", headers=auth).json()
    skus = [item["sku"] for item in page["items"]]
    assert len(skus) == PRODUCTS
    codes = ["all" if store_id == 0 else code for code, store_id in stores.items()]
    for sku in random.Random(3).sample(skus, 200):  # the acceptance: 200 random SKUs
        for code in codes:
            path = f"/rest/{code}/V1/products/{sku}"
            expected = legacy.get(path, headers=auth)
            got = catalog.get(path, headers=auth)
            assert (got.status_code, got.json()) == (expected.status_code, expected.json()), path


SEARCHES = [
    {},
    {"[filter_groups][0][filters][0][field]": "type_id",
     "[filter_groups][0][filters][0][value]": "configurable"},
    {"[filter_groups][0][filters][0][field]": "price",
     "[filter_groups][0][filters][0][value]": "50",
     "[filter_groups][0][filters][0][condition_type]": "gt",
     "[filter_groups][1][filters][0][field]": "name",
     "[filter_groups][1][filters][0][value]": "%a%",
     "[filter_groups][1][filters][0][condition_type]": "like",
     "[sortOrders][0][field]": "price", "[sortOrders][0][direction]": "ASC"},
    {"[filter_groups][0][filters][0][field]": "category_id",
     "[filter_groups][0][filters][0][value]": "3,4,5",
     "[filter_groups][0][filters][0][condition_type]": "in",
     "[sortOrders][0][field]": "name", "[pageSize]": "7", "[currentPage]": "2"},
    {"[filter_groups][0][filters][0][field]": "visibility",
     "[filter_groups][0][filters][0][value]": "1",
     "[filter_groups][0][filters][1][field]": "status",
     "[filter_groups][0][filters][1][value]": "2",
     "[sortOrders][0][field]": "updated_at", "[pageSize]": "10"},
    {"[filter_groups][0][filters][0][field]": "color",
     "[filter_groups][0][filters][0][condition_type]": "notnull",
     "[sortOrders][0][field]": "sku", "[sortOrders][0][direction]": "ASC"},
    {"[filter_groups][0][filters][0][field]": "category_id",
     "[filter_groups][0][filters][0][value]": "3",
     "[filter_groups][0][filters][0][condition_type]": "neq",
     "[filter_groups][1][filters][0][field]": "entity_id",
     "[filter_groups][1][filters][0][value]": "10",
     "[filter_groups][1][filters][0][condition_type]": "from",
     "[filter_groups][2][filters][0][field]": "entity_id",
     "[filter_groups][2][filters][0][value]": "40",
     "[filter_groups][2][filters][0][condition_type]": "to",
     "[sortOrders][0][field]": "name", "[sortOrders][0][direction]": "DESC"},
    {"[filter_groups][0][filters][0][field]": "sku",
     "[filter_groups][0][filters][0][value]": "%-1%",
     "[filter_groups][0][filters][0][condition_type]": "like",
     "[filter_groups][0][filters][1][field]": "special_price",
     "[filter_groups][0][filters][1][condition_type]": "notnull",
     "[sortOrders][0][field]": "special_price",
     "[sortOrders][1][field]": "url_key", "[sortOrders][1][direction]": "ASC"},
    {"[filter_groups][0][filters][0][field]": "nope", "[filter_groups][0][filters][0][value]": "1"},
    {"[pageSize]": "5", "[currentPage]": "99"},
]  # fmt: skip


def test_a_missing_or_foreign_token_is_refused_like_the_standin(
    catalog: TestClient, standin: tuple[TestClient, dict[str, str]]
) -> None:
    legacy, _ = standin
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        for path in ("/rest/default/V1/products/x", "/rest/V1/products?searchCriteria="):
            expected, got = legacy.get(path, headers=headers), catalog.get(path, headers=headers)
            assert got.status_code == expected.status_code == 401
            assert got.json() == expected.json()


def test_error_bodies_equal_the_standin(
    catalog: TestClient, standin: tuple[TestClient, dict[str, str]]
) -> None:
    legacy, auth = standin
    for path in (
        "/rest/default/V1/products/NO-SUCH-SKU",
        "/rest/nowhere/V1/products/x",
        "/rest/default/V1/no-such-route",
    ):
        expected = legacy.get(path, headers=auth)
        got = catalog.get(path, headers=auth)
        assert (got.status_code, got.json()) == (expected.status_code, expected.json()), path


@pytest.mark.parametrize("search", SEARCHES)
@pytest.mark.parametrize("code", ["default", "french"])
def test_search_pages_equal_the_standin(
    catalog: TestClient,
    standin: tuple[TestClient, dict[str, str]],
    search: dict[str, str],
    code: str,
) -> None:
    legacy, auth = standin
    params = {f"searchCriteria{k}": v for k, v in search.items()} or {"searchCriteria": ""}
    path = f"/rest/{code}/V1/products"
    expected = legacy.get(path, params=params, headers=auth)
    got = catalog.get(path, params=params, headers=auth)
    assert (got.status_code, got.json()) == (expected.status_code, expected.json())
