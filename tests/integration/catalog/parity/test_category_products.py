"""`GET /V1/categories/{id}/products`, catalog vs stand-in: every category in every store view
and `all`, the error bodies, `fields`, and store-level overrides (a category no longer an anchor
in one view, a product disabled and one hidden in one view) carried by new events."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from ficus_catalog.manifest import manifest
from ficus_contracts.events import CategoryState, ProductState
from ficus_devstack.process import wait_until
from ficus_legacy.reference import category_states, product_states
from tests.integration.catalog.conftest import EventTable
from tests.integration.catalog.parity.conftest import Standin, _event, tree_ids
from tests.integration.catalog.parity.conftest import same as _same

pytestmark = pytest.mark.integration


def _answer(client: TestClient, path: str, headers: dict[str, str]) -> tuple[int, Any]:
    response = client.get(path, headers=headers)
    return response.status_code, response.json()


def _every(catalog: TestClient, standin: Standin, codes: list[str], ids: list[int]) -> list[Any]:
    return [
        _same(catalog, standin, f"/rest/{code}/V1/categories/{category_id}/products")
        for code in codes
        for category_id in ids
    ]


def test_every_category_in_every_store_view_equals_the_standin(
    catalog: TestClient, standin: Standin, codes: list[str], category_ids: list[int]
) -> None:
    bodies = _every(catalog, standin, codes, category_ids)
    links = [link for body in bodies for link in body]
    assert len(links) > 200
    assert any(link["position"] >= 10000 for link in links)  # an anchor's descendants
    assert {type(link["category_id"]) for link in links} == {str}
    _same(catalog, standin, f"/rest/V1/categories/{category_ids[1]}/products")


@pytest.mark.parametrize(
    "path",
    [
        "/rest/V1/categories/999999/products",
        "/rest/all/V1/categories/999999/products",
        "/rest/V1/categories/abc/products",
        "/rest/nowhere/V1/categories/3/products",
        "/rest/default/V1/categories/3/products/",
        "/rest/default/V1/categories/3/products?fields=sku",
        "/rest/all/V1/categories/3/products?fields=sku,position",
    ],
)
def test_errors_fields_and_trailing_slash_equal_the_standin(
    catalog: TestClient, standin: Standin, path: str
) -> None:
    _same(catalog, standin, path)


def test_a_missing_token_is_refused_like_the_standin(catalog: TestClient, standin: Standin) -> None:
    body = _same(catalog, standin, "/rest/V1/categories/3/products", Authorization="Bearer x")
    assert "isn't authorized" in body["message"]


def _set(conn: Any, table: str, entity: int, code: str, store: int, value: int) -> None:
    with conn.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (attribute_id, store_id, entity_id, value)"  # noqa: S608
            " SELECT attribute_id, %s, %s, %s FROM eav_attribute WHERE attribute_code = %s"
            " AND entity_type_id = %s ON DUPLICATE KEY UPDATE value = VALUES(value)",
            (store, entity, value, code, 3 if "category" in table else 4),
        )
    conn.commit()


def test_store_overrides_flow_and_equal_the_standin(
    catalog: TestClient,
    standin: Standin,
    magento: tuple[str, Any],
    stores: dict[str, int],
    sync_events: EventTable,
    codes: list[str],
    category_ids: list[int],
) -> None:
    legacy, auth = standin
    conn, default = magento[1], stores["default"]

    def listed(category_id: int) -> list[dict[str, Any]]:
        path = f"/rest/default/V1/categories/{category_id}/products"
        return list(legacy.get(path, headers=auth).json())

    parent = next(i for i in category_ids[2:] if len(_ids_under(legacy, auth, i)) > 1)
    before = listed(parent)
    assert any(link["position"] >= 10000 for link in before)  # via its children
    leaf = next(
        i for i in category_ids[2:] if len([x for x in listed(i) if x["position"] < 10000]) > 1
    )
    skus = [link["sku"] for link in listed(leaf) if link["position"] < 10000][:2]
    with conn.cursor() as cur:
        cur.execute("SELECT entity_id FROM catalog_product_entity WHERE sku IN %s", (skus,))
        products = [int(r[0]) for r in cur.fetchall()]
    _set(conn, "catalog_category_entity_int", parent, "is_anchor", default, 0)
    _set(conn, "catalog_product_entity_int", products[0], "status", default, 2)
    _set(conn, "catalog_product_entity_int", products[1], "visibility", default, 1)
    states: list[CategoryState | ProductState] = [*category_states(conn, [parent])]
    states += product_states(conn, products)
    sync_events.publish(*(_event(s).model_copy(update={"version": 2}) for s in states))
    paths = [f"/rest/default/V1/categories/{i}/products" for i in (parent, leaf)]
    assert wait_until(
        lambda: all(_answer(catalog, p, auth) == _answer(legacy, p, auth) for p in paths), 20
    ), paths
    assert all(link["position"] < 10000 for link in listed(parent))
    assert not {link["sku"] for link in listed(leaf)} & set(skus)
    _every(catalog, standin, codes, category_ids)


def _ids_under(legacy: TestClient, auth: dict[str, str], root: int) -> list[int]:
    tree = legacy.get(f"/rest/all/V1/categories?rootCategoryId={root}", headers=auth).json()
    return tree_ids(tree)


def test_the_route_manifest_lists_what_the_app_answers(catalog: TestClient) -> None:
    listed = catalog.get("/_ficus/routes").json()
    assert listed == manifest()
    assert {"method": "GET", "path": "/V1/categories/{category_id}/products"} in listed["routes"]
