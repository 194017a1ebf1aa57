import uuid

import pytest

from ficus_catalog.errors import InvalidEvent
from ficus_catalog.product_mapper import Rows, product_rows, product_state
from ficus_catalog.tables import (
    ConfigurableAttribute,
    ConfigurableChild,
    Product,
    ProductCategory,
    ProductStoreValue,
    ProductWebsite,
    Stock,
)
from ficus_catalog.testing import product_state as make_state
from ficus_contracts.events import StockItem


def orm(rows: Rows) -> Product:
    """The ORM objects the read side would load for these rows."""
    tables = rows.tables
    product = Product(**tables[Product][0])
    product.stores = [ProductStoreValue(**r) for r in tables[ProductStoreValue]]
    product.websites = [ProductWebsite(**r) for r in tables[ProductWebsite]]
    product.categories = [ProductCategory(**r) for r in tables[ProductCategory]]
    product.stock = Stock(**tables[Stock][0]) if tables.get(Stock) else None
    product.children = [ConfigurableChild(**r) for r in tables[ConfigurableChild]]
    product.super_attributes = [ConfigurableAttribute(**r) for r in tables[ConfigurableAttribute]]
    return product


def test_rows_rebuild_the_same_state() -> None:
    state = make_state(
        7,
        type_id="configurable",
        configurable_children=[9, 8],
        configurable_attributes=["size", "color"],
        website_ids=[2, 1],
        stock_item=StockItem(item_id=7, qty=None, is_in_stock=False, low_stock_date=None),
    )
    rows = product_rows(uuid.uuid4(), 3, state)
    assert product_state(orm(rows)) == state


def test_a_stock_qty_that_is_not_a_plain_decimal_is_an_invalid_event() -> None:
    state = make_state(7, stock_item=StockItem(item_id=7, qty="lots", is_in_stock=True))
    with pytest.raises(InvalidEvent, match="qty"):
        product_rows(uuid.uuid4(), 1, state)
