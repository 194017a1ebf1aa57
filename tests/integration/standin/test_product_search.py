from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from ficus_standin import StandinSettings, create_app
from tests.integration.standin.conftest import ADMIN, Seed

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def shared(
    shared_magento: tuple[Seed, StandinSettings],
) -> Iterator[tuple[TestClient, dict[str, int]]]:
    magento, settings = shared_magento
    ids = _seed(magento)
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client, ids


@pytest.fixture
def client(shared: tuple[TestClient, dict[str, int]]) -> TestClient:
    return shared[0]


@pytest.fixture
def catalog(shared: tuple[TestClient, dict[str, int]]) -> dict[str, int]:
    return shared[1]


@pytest.fixture
def admin(client: TestClient) -> dict[str, str]:
    response = client.post("/rest/V1/integration/admin/token", json=ADMIN)
    return {"Authorization": f"Bearer {response.json()}"}


def _seed(magento: Seed) -> dict[str, int]:
    fr = magento.store_view("fr")
    bags = magento.category("Bags")
    ids = {
        "A-1": magento.product("A-1", "Alpha", "10.0000", weight="1", categories=(bags,)),
        "A-2": magento.product("A-2", "Alpine", "20.0000", overrides={fr: {"name": "Zeta"}}),
        "B-1": magento.product("B-1", "Beta", "30.0000", weight="3", categories=(bags,)),
        "B-2": magento.product("B-2", "Gamma", "40.0000", status=2),
    }
    ids["bags"] = bags
    return ids


def search(
    client: TestClient,
    admin: dict[str, str],
    groups: list[list[tuple[str, str, str]]],
    store: str = "",
    **extra: str,
) -> dict:  # type: ignore[type-arg]
    params: dict[str, str] = {}
    for g, group in enumerate(groups):
        for f, (field, value, condition) in enumerate(group):
            prefix = f"searchCriteria[filter_groups][{g}][filters][{f}]"
            params[f"{prefix}[field]"] = field
            if value is not None:
                params[f"{prefix}[value]"] = value
            params[f"{prefix}[condition_type]"] = condition
    params.update({f"searchCriteria[{k}]": v for k, v in extra.items()})
    if not params:
        params["searchCriteria"] = ""
    path = f"/rest/{store}/V1/products" if store else "/rest/V1/products"
    response = client.get(f"{path}?{urlencode(params)}", headers=admin)
    assert response.status_code == 200, response.text
    return response.json()


def skus(body: dict) -> list[str]:  # type: ignore[type-arg]
    return [item["sku"] for item in body["items"]]


@pytest.mark.parametrize(
    ("field", "value", "condition", "expected"),
    [
        ("sku", "A-1", "eq", ["A-1"]),
        ("sku", "A-1", "neq", ["A-2", "B-1", "B-2"]),
        ("name", "Alp%", "like", ["A-1", "A-2"]),
        ("name", "Alp%", "nlike", ["B-1", "B-2"]),
        ("sku", "A-1,B-2", "in", ["A-1", "B-2"]),
        ("sku", "A-1,B-2", "nin", ["A-2", "B-1"]),
        ("price", "20", "gt", ["B-1", "B-2"]),
        ("price", "20", "gteq", ["A-2", "B-1", "B-2"]),
        ("price", "20", "lt", ["A-1"]),
        ("price", "20", "lteq", ["A-1", "A-2"]),
        ("price", "30", "moreq", ["B-1", "B-2"]),
        ("price", "30", "from", ["B-1", "B-2"]),
        ("price", "10", "to", ["A-1"]),
        ("weight", None, "null", ["A-2", "B-2"]),
        ("weight", None, "notnull", ["A-1", "B-1"]),
        ("sku", "A-1", "finset", ["A-1"]),
        ("sku", "A-1", "nfinset", ["A-2", "B-1", "B-2"]),
        ("status", "2", "eq", ["B-2"]),
    ],
)
def test_each_condition_type(
    client: TestClient,
    admin: dict[str, str],
    catalog: dict[str, int],
    field: str,
    value: str,
    condition: str,
    expected: list[str],
) -> None:
    body = search(client, admin, [[(field, value, condition)]])
    assert sorted(skus(body)) == expected
    assert body["total_count"] == len(expected)


def test_or_within_group_and_across_groups(
    client: TestClient, admin: dict[str, str], catalog: dict[str, int]
) -> None:
    either = search(client, admin, [[("sku", "A-1", "eq"), ("sku", "B-1", "eq")]])
    assert sorted(skus(either)) == ["A-1", "B-1"]
    both = search(
        client, admin, [[("sku", "A-1", "eq"), ("sku", "B-1", "eq")], [("price", "15", "gt")]]
    )
    assert skus(both) == ["B-1"]


def test_category_filter(
    client: TestClient, admin: dict[str, str], catalog: dict[str, int]
) -> None:
    body = search(client, admin, [[("category_id", str(catalog["bags"]), "eq")]])
    assert sorted(skus(body)) == ["A-1", "B-1"] and body["total_count"] == 2


def test_store_view_values_are_searched(
    client: TestClient, admin: dict[str, str], catalog: dict[str, int]
) -> None:
    assert skus(search(client, admin, [[("name", "Zeta", "eq")]], store="fr")) == ["A-2"]
    assert skus(search(client, admin, [[("name", "Zeta", "eq")]])) == []


def test_sort_paging_and_total_count(
    client: TestClient, admin: dict[str, str], catalog: dict[str, int]
) -> None:
    first = search(
        client,
        admin,
        [],
        **{
            "sortOrders][0][field": "price",
            "sortOrders][0][direction": "DESC",
            "pageSize": "3",
            "currentPage": "1",
        },
    )
    assert skus(first) == ["B-2", "B-1", "A-2"] and first["total_count"] == 4
    second = search(
        client,
        admin,
        [],
        **{
            "sort_orders][0][field": "price",
            "sort_orders][0][direction": "DESC",
            "page_size": "3",
            "current_page": "2",
        },
    )
    assert skus(second) == ["A-1"] and second["total_count"] == 4
    assert second["search_criteria"] == {
        "filter_groups": [],
        "sort_orders": [{"field": "price", "direction": "DESC"}],
        "page_size": 3,
        "current_page": 2,
    }
    by_name = search(
        client, admin, [], **{"sortOrders][0][field": "name", "sortOrders][0][direction": "ASC"}
    )
    assert skus(by_name) == ["A-1", "A-2", "B-1", "B-2"]


def test_missing_and_invalid_criteria_are_400(
    client: TestClient, admin: dict[str, str], catalog: dict[str, int]
) -> None:
    missing = client.get("/rest/V1/products", headers=admin)
    assert missing.status_code == 400
    assert missing.json() == {
        "message": '"%fieldName" is required. Enter and try again.',
        "parameters": {"fieldName": "searchCriteria"},
    }
    prefix = "searchCriteria[filter_groups][0][filters][0]"
    bad_type = client.get(
        f"/rest/V1/products?{prefix}[field]=sku&{prefix}[value]=x&{prefix}[condition_type]=near",
        headers=admin,
    )
    assert bad_type.status_code == 400
    assert bad_type.json()["parameters"]["fieldName"] == f"{prefix}[condition_type]"
    bad_field = client.get(
        f"/rest/V1/products?{prefix}[field]=nope&{prefix}[value]=x", headers=admin
    )
    assert bad_field.status_code == 400
    assert bad_field.json()["parameters"] == {"fieldName": f"{prefix}[field]", "value": "nope"}


def test_page_past_the_end_is_empty_as_in_2_4(
    client: TestClient, admin: dict[str, str], catalog: dict[str, int]
) -> None:
    body = search(client, admin, [], pageSize="3", currentPage="5")
    assert body["items"] == [] and body["total_count"] == 4


def test_fields_parameter_filters_the_answer(
    client: TestClient, admin: dict[str, str], catalog: dict[str, int]
) -> None:
    response = client.get(
        "/rest/V1/products?searchCriteria[pageSize]=1&fields=items[sku,price],total_count",
        headers=admin,
    )
    assert response.json() == {"items": [{"sku": "A-1", "price": 10.0}], "total_count": 4}
    one = client.get(
        "/rest/V1/products/B-1?fields=sku,extension_attributes[website_ids]", headers=admin
    )
    assert one.json() == {"sku": "B-1", "extension_attributes": {"website_ids": [1]}}
