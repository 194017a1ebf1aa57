"""A configurable option's label rows (`catalog_product_super_attribute_label`, keyed by the
option, not the product) reach the product's event through the embedded binlog path: insert,
store override, update and delete each re-project the product, equal to the reference."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ficus_sync.lag import LagTracker
from ficus_sync.settings import SyncSettings
from tests.integration.sync.helpers import (
    differences,
    projected_payload,
    sync_in_thread,
    wait_caught_up,
)
from tests.integration.sync.shop import Shop

pytestmark = pytest.mark.integration


@pytest.fixture
def streaming(sync_settings: SyncSettings) -> Iterator[LagTracker]:
    with sync_in_thread(sync_settings) as lag:
        yield lag


def _options(settings: SyncSettings, product: int) -> list[dict[str, Any]]:
    payload = projected_payload(settings, "product", product)
    assert payload is not None
    return list(payload["configurable_options"])


def _labels(settings: SyncSettings, product: int) -> dict[str, Any]:
    wait_caught_up(settings)
    assert differences(settings) == []
    [option] = _options(settings, product)
    return dict(option["labels"])


def test_label_rows_follow_their_option_to_the_product(
    shop: Shop, sync_settings: SyncSettings, streaming: LagTracker
) -> None:
    shop.populate(products=3, configurables=1)
    parent = shop.configurables[0]
    wait_caught_up(sync_settings)
    [option] = _options(sync_settings, parent)
    assert (option["attribute_code"], option["labels"]) == ("color", {})
    add = (
        "INSERT INTO catalog_product_super_attribute_label"
        " (product_super_attribute_id, store_id, use_default, value) VALUES (%s, %s, %s, %s)"
    )
    shop.sql(add, (option["id"], 0, 0, "Colour"))
    shop.sql(add, (option["id"], 1, 0, "Shade"))
    shop.conn.commit()
    assert _labels(sync_settings, parent) == {
        "0": {"use_default": 0, "value": "Colour"},
        "1": {"use_default": 0, "value": "Shade"},
    }
    shop.sql(
        "UPDATE catalog_product_super_attribute_label SET use_default = 1"
        " WHERE product_super_attribute_id = %s AND store_id = 1",
        (option["id"],),
    )
    shop.sql(
        "DELETE FROM catalog_product_super_attribute_label"
        " WHERE product_super_attribute_id = %s AND store_id = 0",
        (option["id"],),
    )
    shop.conn.commit()
    assert _labels(sync_settings, parent) == {"1": {"use_default": 1, "value": "Shade"}}
