"""`GET /V1/configurable-products/{sku}/options/all`, catalog vs stand-in: every configurable
product in every store view and `all` (label rows as Magento's admin writes them, a store view's
own), the errors (unknown sku, a simple product, unknown store, bad token), `fields`, and a
child's changed value carried by a new event."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from ficus_devstack.process import wait_until
from ficus_legacy.reference import product_states
from tests.integration.catalog.conftest import EventTable
from tests.integration.catalog.parity.conftest import Standin, _event, same

pytestmark = pytest.mark.integration


def _skus(standin: Standin, type_id: str) -> list[str]:
    legacy, auth = standin
    query = (
        "searchCriteria[filter_groups][0][filters][0][field]=type_id"
        f"&searchCriteria[filter_groups][0][filters][0][value]={type_id}"
    )
    page = legacy.get(f"/rest/all/V1/products?{query}", headers=auth).json()
    return [item["sku"] for item in page["items"]]


def test_every_configurable_in_every_store_view_equals_the_standin(
    catalog: TestClient, standin: Standin, codes: list[str]
) -> None:
    skus = _skus(standin, "configurable")
    assert len(skus) >= 3
    for sku in skus:
        for code in codes:
            body = same(
                catalog, standin, f"/rest/{code}/V1/configurable-products/{sku}/options/all"
            )
            assert [o["label"] for o in body] and all(o["values"] for o in body), sku
    first = same(catalog, standin, f"/rest/V1/configurable-products/{skus[0].lower()}/options/all")
    keys = ["id", "attribute_id", "label", "position", "is_use_default", "values", "product_id"]
    assert [list(option) for option in first] == [keys] * len(first), first
    assert {option["label"] for option in first} <= {"Color", "Size"}, first
    french = [
        option["label"]
        for sku in skus
        for option in same(
            catalog, standin, f"/rest/french/V1/configurable-products/{sku}/options/all"
        )
    ]
    assert "Couleur" in french and "Color" in french  # a store's own label row, and none


def test_errors_fields_and_trailing_slash_equal_the_standin(
    catalog: TestClient, standin: Standin
) -> None:
    simple, configurable = _skus(standin, "simple")[0], _skus(standin, "configurable")[0]
    base = "/rest/V1/configurable-products"
    for path in [
        f"{base}/no-such-sku/options/all",
        f"{base}/{simple}/options/all",
        f"/rest/nowhere/V1/configurable-products/{configurable}/options/all",
        f"{base}/{configurable}/options/all/",
        f"{base}/{configurable}/options/all?fields=id,label,values",
    ]:
        same(catalog, standin, path)
    body = same(catalog, standin, f"{base}/{simple}/options/all")
    assert body == {
        "message": "Only implemented for configurable product: %1",
        "parameters": [simple],
    }
    refused = same(catalog, standin, f"{base}/{configurable}/options/all", Authorization="Bearer x")
    assert "isn't authorized" in refused["message"]


def test_a_childs_new_value_flows_and_equals_the_standin(
    catalog: TestClient, standin: Standin, magento: tuple[str, Any], sync_events: EventTable
) -> None:
    legacy, auth = standin
    conn = magento[1]
    sku = _skus(standin, "configurable")[1]
    path = f"/rest/all/V1/configurable-products/{sku}/options/all"
    before = legacy.get(path, headers=auth).json()
    color = next(o for o in before if o["label"].lower() == "color")
    with conn.cursor() as cur:
        cur.execute(
            "SELECT l.product_id FROM catalog_product_super_link l JOIN catalog_product_entity p"
            " ON p.entity_id = l.parent_id WHERE p.sku = %s ORDER BY l.link_id LIMIT 1",
            (sku,),
        )
        child = int(cur.fetchone()[0])
        cur.execute(
            "SELECT option_id FROM eav_attribute_option WHERE attribute_id = %s",
            (int(color["attribute_id"]),),
        )
        used = {v["value_index"] for v in color["values"]}
        unused = next(int(r[0]) for r in cur.fetchall() if int(r[0]) not in used)
        cur.execute(
            "UPDATE catalog_product_entity_int SET value = %s"
            " WHERE entity_id = %s AND attribute_id = %s AND store_id = 0",
            (unused, child, int(color["attribute_id"])),
        )
    conn.commit()
    sync_events.publish(
        *(_event(s).model_copy(update={"version": 9}) for s in product_states(conn, [child]))
    )
    assert wait_until(
        lambda: catalog.get(path, headers=auth).json() == legacy.get(path, headers=auth).json(), 20
    )
    after = legacy.get(path, headers=auth).json()
    assert after != before
    assert {"value_index": unused} in next(o for o in after if o["id"] == color["id"])["values"]


def test_an_unlinked_child_leaves_the_options_as_magento_has_them(
    catalog: TestClient, standin: Standin, magento: tuple[str, Any], sync_events: EventTable
) -> None:
    """The child leaves the configurable (its links deleted, the product kept: the package's
    other tests count every generated product)."""
    legacy, auth = standin
    conn = magento[1]
    sku = _skus(standin, "configurable")[2]
    path = f"/rest/default/V1/configurable-products/{sku}/options/all"
    before = legacy.get(path, headers=auth).json()
    with conn.cursor() as cur:
        cur.execute("SELECT entity_id FROM catalog_product_entity WHERE sku = %s", (sku,))
        parent = int(cur.fetchone()[0])
        cur.execute(
            "SELECT product_id FROM catalog_product_super_link WHERE parent_id = %s"
            " ORDER BY link_id",
            (parent,),
        )
        children = [int(r[0]) for r in cur.fetchall()]
        for table, column in (("catalog_product_super_link", "product_id"),
                              ("catalog_product_relation", "child_id")):  # fmt: skip
            cur.execute(
                f"DELETE FROM {table} WHERE parent_id = %s AND {column} = %s",  # noqa: S608
                (parent, children[0]),
            )
    conn.commit()
    [state] = product_states(conn, [parent])
    assert children[0] not in state.configurable_children
    sync_events.publish(_event(state).model_copy(update={"version": 11}))
    product = f"/rest/all/V1/products/{sku}"

    def links() -> list[int]:
        body = catalog.get(product, headers=auth).json()
        return list(body["extension_attributes"]["configurable_product_links"])

    assert wait_until(lambda: children[0] not in links(), 20)  # the catalog has the event
    assert catalog.get(path, headers=auth).json() == legacy.get(path, headers=auth).json()
    after = legacy.get(path, headers=auth).json()
    assert [o["id"] for o in after] == [o["id"] for o in before]
    assert sum(len(o["values"]) for o in after) <= sum(len(o["values"]) for o in before)
