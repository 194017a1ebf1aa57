"""The HTTP API over a catalog fed through the consumer: Magento JSON equals the shared renderer's
for every store view, searchCriteria semantics, Magento's error bodies, the native API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ficus_catalog.api import create_app
from ficus_catalog.testing import STORES, admin_headers, product_event, product_state
from ficus_contracts.events import CategoryLink, ProductState
from ficus_devstack import Stack
from ficus_devstack.process import wait_until
from ficus_legacy.core.magento_json import render_product
from tests.events import admin_role_event
from tests.integration.catalog.conftest import EventTable, catalog_settings, fresh_database

pytestmark = pytest.mark.integration


def _states() -> list[ProductState]:
    states = [product_state(i) for i in range(1, 13)]
    states[2] = product_state(3, name="Blue Shirt", price="25.000000")
    states[3] = product_state(4, name="blue jeans", price="40.000000", type_id="virtual")
    states[4] = product_state(
        5,
        type_id="configurable",
        configurable_children=[6, 7],
        configurable_attributes=["color"],
        category_links=[CategoryLink(category_id=4, position=1), CategoryLink(category_id=3)],
        website_ids=[2, 1],
    )
    states[5] = product_state(6, created_at="2025-01-01 00:00:00", price="10.000000")
    disabled = {store: {**values, "status": "2"} for store, values in states[7].attributes.items()}
    states[7] = product_state(8, attributes=disabled, category_links=[])
    return states


STATES = _states()


@pytest.fixture(scope="module")
def client(stack: Stack) -> Iterator[TestClient]:
    """One app for the module (reads only): migrated on start, fed through its consumer."""
    with fresh_database(stack, "catalog") as catalog_url, fresh_database(stack, "sync") as url:
        events = EventTable(url)
        events.publish(admin_role_event(), *(product_event(s, 1) for s in STATES))
        app = create_app(catalog_settings(catalog_url, events))
        with TestClient(app, headers=admin_headers()) as test_client:
            assert wait_until(lambda: _count(test_client) == len(STATES), 10)
            yield test_client


def _count(client: TestClient) -> int:
    body = client.get("/rest/V1/products", params={"searchCriteria[pageSize]": "0"}).json()
    return int(body.get("total_count", -1))


def _search(client: TestClient, store: str = "default", **params: str) -> dict[str, Any]:
    query = {f"searchCriteria{k}": v for k, v in params.items()}
    response = client.get(f"/rest/{store}/V1/products", params=query)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _skus(body: dict[str, Any]) -> list[str]:
    return [item["sku"] for item in body["items"]]


def test_product_json_equals_the_magento_rendering_in_every_store_view(client: TestClient) -> None:
    for state in STATES:
        for code, store_id in STORES.items():
            path_code = "all" if store_id == 0 else code
            got = client.get(f"/rest/{path_code}/V1/products/{state.sku}").json()
            assert got == render_product(state, store_id), (state.sku, code)
    french = client.get("/rest/french/V1/products/SKU-00003").json()
    assert french["name"] == "Produit 3"
    default = client.get("/rest/V1/products/sku-00003").json()  # case-insensitive, default view
    assert default == render_product(STATES[2], STORES["default"])


def test_unknown_sku_and_store_answer_magento_404_bodies(client: TestClient) -> None:
    response = client.get("/rest/default/V1/products/NOPE")
    assert response.status_code == 404
    assert response.json() == {
        "message": "The product that was requested doesn't exist. Verify the product and try again."
    }
    response = client.get("/rest/nowhere/V1/products/SKU-00001")
    assert response.status_code == 404
    assert "store that was requested" in response.json()["message"]


def test_a_list_resolves_its_store_view_first(client: TestClient) -> None:
    f = "searchCriteria[filter_groups][0][filters][0]"
    bad = {f"{f}[field]": "nope", f"{f}[value]": "1"}
    nothing = {f"{f}[field]": "sku", f"{f}[value]": "NO-SUCH-SKU"}
    for params in ({}, bad, nothing):  # an unknown view is a 404 with bad criteria too
        response = client.get("/rest/nowhere/V1/products", params=params)
        assert response.status_code == 404, params
        assert "store that was requested" in response.json()["message"]
    empty = client.get("/rest/french/V1/products", params=nothing).json()
    assert (empty["items"], empty["total_count"]) == ([], 0)
    everything = client.get("/rest/all/V1/products", params={"searchCriteria[pageSize]": "0"})
    assert everything.json()["total_count"] == len(STATES)


def test_filters_or_within_a_group_and_across_groups(client: TestClient) -> None:
    g = "[filter_groups]"
    body = _search(
        client,
        **{
            f"{g}[0][filters][0][field]": "name",
            f"{g}[0][filters][0][value]": "%blue%",
            f"{g}[0][filters][0][condition_type]": "like",
            f"{g}[0][filters][1][field]": "sku",
            f"{g}[0][filters][1][value]": "SKU-00006",
            f"{g}[1][filters][0][field]": "price",
            f"{g}[1][filters][0][value]": "30",
            f"{g}[1][filters][0][condition_type]": "lt",
        },
    )
    assert _skus(body) == ["SKU-00003", "SKU-00006"]
    assert body["total_count"] == 2
    assert body["search_criteria"]["filter_groups"][1] == {
        "filters": [{"field": "price", "value": "30", "condition_type": "lt"}]
    }
    assert body["items"][0] == render_product(STATES[2], STORES["default"])


@pytest.mark.parametrize(
    ("field", "value", "condition", "expected"),
    [
        ("type_id", "virtual", "eq", ["SKU-00004"]),
        ("entity_id", "2,4,99", "in", ["SKU-00002", "SKU-00004"]),
        ("status", "2", "eq", ["SKU-00008"]),
        ("category_id", "4", "eq", ["SKU-00005"]),
        ("created_at", "2024-12-31 00:00:00", "gt", ["SKU-00006"]),
        ("visibility", "4", "neq", []),
        ("sku", "sku-00002", "finset", ["SKU-00002"]),
        ("entity_id", "1,2,3,4,5,6,7,8,9,10", "nin", ["SKU-00011", "SKU-00012"]),
        ("entity_id", "99999999999", "gt", []),  # beyond 32 bits: compared as numeric
        ("news_from_date", "2024-01-01 00:00:00", "gt", []),  # a typed jsonb attribute
        ("created_at", "not a date", "eq", []),
        ("tax_class_id", "2", "neq", []),
        ("name", "PRODUCT 1_", "like", ["SKU-00010", "SKU-00011", "SKU-00012"]),
        ("name", "blué jeans  ", "eq", ["SKU-00004"]),  # accents, case, trailing spaces
    ],
)
def test_single_filters(
    client: TestClient, field: str, value: str, condition: str, expected: list[str]
) -> None:
    f = "[filter_groups][0][filters][0]"
    params = {f"{f}[field]": field, f"{f}[value]": value, f"{f}[condition_type]": condition}
    assert _skus(_search(client, **params)) == expected


def test_store_view_values_are_filtered_in_that_store(client: TestClient) -> None:
    f = "[filter_groups][0][filters][0]"
    params = {f"{f}[field]": "name", f"{f}[value]": "Produit 2"}
    assert _skus(_search(client, "french", **params)) == ["SKU-00002"]
    assert _skus(_search(client, "default", **params)) == []


def test_sorting_and_paging(client: TestClient) -> None:
    sort = {"[sortOrders][0][field]": "price", "[sortOrders][0][direction]": "DESC"}
    everything = _skus(_search(client, **sort))
    prices = {s.sku: float(s.attributes[1]["price"] or 0) for s in STATES}
    assert everything == sorted(prices, key=lambda sku: (-prices[sku], sku))
    page = _search(client, **sort, **{"[pageSize]": "5", "[currentPage]": "2"})
    assert _skus(page) == everything[5:10]
    assert page["total_count"] == len(STATES)
    assert page["search_criteria"]["page_size"] == 5
    past = _search(client, **sort, **{"[pageSize]": "5", "[currentPage]": "9"})
    assert (past["items"], past["total_count"]) == ([], len(STATES))


def test_an_unknown_filter_field_is_a_400_naming_it(client: TestClient) -> None:
    f = "[filter_groups][0][filters][0]"
    response = client.get(
        "/rest/V1/products",
        params={f"searchCriteria{f}[field]": "nope", f"searchCriteria{f}[value]": "1"},
    )
    assert response.status_code == 400
    assert response.json()["parameters"]["value"] == "nope"


def test_native_api_pages_with_a_cursor(client: TestClient) -> None:
    first = client.get("/v1/products", params={"limit": 5}).json()
    assert [p["entity_id"] for p in first["items"]] == [1, 2, 3, 4, 5]
    second = client.get("/v1/products", params={"limit": 5, "cursor": first["next_cursor"]})
    assert [p["entity_id"] for p in second.json()["items"]] == [6, 7, 8, 9, 10]
    one = client.get(f"/v1/products/{first['items'][2]['id']}").json()
    assert one["sku"] == "SKU-00003" and one["stores"]["1"]["price"] == "25.000000"
    in_category = client.get("/v1/products", params={"category_id": 4}).json()
    assert [p["sku"] for p in in_category["items"]] == ["SKU-00005"]


def test_health_readiness_and_metrics(client: TestClient) -> None:
    assert client.get("/healthz").status_code == 200
    assert wait_until(lambda: client.get("/readyz").status_code == 200, 5)
    metrics = client.get("/metrics").text
    assert 'ficus_catalog_events_total{aggregate="product",outcome="applied"} 12.0' in metrics


def test_product_states_rebuild_what_the_events_carried(client: TestClient) -> None:
    body = client.get("/v1/product-states", params={"limit": 2000}).json()
    got = [ProductState.model_validate(item["state"]) for item in body["items"]]
    assert got == STATES
    assert body["next_cursor"] is None


def test_search_semantics_of_the_standin(client: TestClient) -> None:
    f = "[filter_groups][0][filters][0]"
    by_id = {f"{f}[field]": "id", f"{f}[value]": "3"}
    assert _skus(_search(client, **by_id)) == ["SKU-00003"]
    # category_id matches per link row: neq 4 keeps a product linked to 4 and 3.
    not_four = {f"{f}[field]": "category_id", f"{f}[value]": "4", f"{f}[condition_type]": "neq"}
    assert "SKU-00005" in _skus(_search(client, **not_four))
    assert "SKU-00008" not in _skus(_search(client, **not_four))  # no links: NULL != 4
    no_links = {f"{f}[field]": "category_id", f"{f}[condition_type]": "null"}
    assert _skus(_search(client, **no_links)) == ["SKU-00008"]
    color = {f"{f}[field]": "color", f"{f}[value]": "50", f"{f}[condition_type]": "gteq"}
    expected = [s.sku for s in STATES if int(s.attributes[1]["color"] or 0) >= 50]
    assert _skus(_search(client, **color)) == expected
    name_sort = {"[sortOrders][0][field]": "name"}  # no direction: Magento sorts DESC
    names = [item["name"] for item in _search(client, **name_sort)["items"]]
    assert names == sorted(names, key=str.lower, reverse=True)


def test_the_magento_routes_answer_get_only(client: TestClient) -> None:
    answer = client.head("/rest/V1/products/SKU-00001")
    assert answer.status_code == 404
