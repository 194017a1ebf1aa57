"""A product changed in Magento (through the proxy, whose writes stay on Magento) reaches the
catalog service through binlog CDC within a deadline, and then shoppers through the proxy once
catalog reads are `new`."""

from __future__ import annotations

import uuid

import httpx
import pytest

from ficus_control.client import ControlClient
from ficus_devstack import Stack
from ficus_devstack.process import wait_until
from tests.e2e.shop import Shop, answered_by_sync, move_reads, request_id

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("catalog_reads_at_legacy")]


def test_a_change_in_magento_is_served_by_the_catalog_service_then_by_the_proxy(
    local_stack: Stack, shop: Shop, control: ControlClient
) -> None:
    s = local_stack.settings
    sku, name = shop.skus[42], f"Renamed {uuid.uuid4().hex[:8]}"
    catalog = httpx.Client(base_url=f"http://{s.host}:{s.catalog_port}", headers=shop.auth)
    proxy = httpx.Client(base_url=shop.proxy_url, headers=shop.auth, timeout=10)
    path = f"/rest/default/V1/products/{sku}"
    with catalog, proxy:
        before = catalog.get(path).raise_for_status().json()
        change = {"product": {"sku": sku, "name": name, "price": before["price"] + 1.25}}
        rid = request_id()
        put = proxy.put(f"/rest/all/V1/products/{sku}", json=change, headers={"X-Request-Id": rid})
        assert put.status_code == 200, put.text
        assert answered_by_sync(s.proxy_port, rid) == "legacy"

        magento = httpx.get(f"http://{s.host}:{s.standin_port}{path}", headers=shop.auth).json()
        assert (magento["name"], magento["price"]) == (name, pytest.approx(before["price"] + 1.25))

        def synced() -> bool:  # the same JSON, field for field
            return bool(catalog.get(path).json() == magento)

        assert wait_until(synced, 20), (catalog.get(path).json(), magento)

        move_reads(control, "new")

        def served_new() -> bool:
            rid = request_id()
            response = proxy.get(path, headers={"X-Request-Id": rid})
            new = answered_by_sync(s.proxy_port, rid) == "new"
            return new and response.json()["name"] == name

        assert wait_until(served_new, 5), "the proxy does not serve the change from the catalog"
