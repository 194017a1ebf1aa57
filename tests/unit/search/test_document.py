"""The flat document: Magento's visibility, price, stock and category rules (no sockets)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ficus_contracts.events import CategoryLink, CategoryState, ProductState, StockItem
from ficus_search.core.document import CategoryTree, build_documents, effective_price, plain_text

TODAY = dt.date(2026, 6, 15)


def _category(entity_id: int, path: str, name: str, anchor: str = "1") -> CategoryState:
    return CategoryState(
        entity_id=entity_id,
        parent_id=int(path.split("/")[-2]),
        path=path,
        position=0,
        level=path.count("/"),
        created_at="",
        updated_at="",
        attributes={0: {"name": name, "is_anchor": anchor}, 2: {"name": f"{name} FR"}},
    )


TREE = CategoryTree(
    {
        1: _category(1, "0/1", "Root"),
        2: _category(2, "1/2", "Default Category"),
        3: _category(3, "1/2/3", "Men"),
        4: _category(4, "1/2/3/4", "Tops", anchor="0"),
        5: _category(5, "1/2/3/4/5", "Jackets"),
    }
)


def _product(
    entity_id: int = 10, type_id: str = "simple", in_stock: bool = True, **values: str | None
) -> ProductState:
    base: dict[str, str | None] = {
        "name": "Blue Jacket",
        "status": "1",
        "visibility": "4",
        "price": "100.000000",
        "url_key": "blue-jacket",
        "description": "<p>Warm &amp; dry</p>",
    }
    base.update(values)
    return ProductState(
        entity_id=entity_id,
        sku=f"SKU-{entity_id}",
        type_id=type_id,
        attribute_set_id=4,
        created_at="c",
        updated_at="u",
        category_links=[CategoryLink(category_id=5)],
        stock_item=StockItem(item_id=entity_id, qty="1.0000", is_in_stock=in_stock),
        attributes={0: base, 1: base, 2: {**base, "name": "Veste Bleue"}},
    )


def test_one_document_per_store_view_with_store_values() -> None:
    docs = build_documents(_product(), [], TREE, TODAY)
    assert [(d.store_id, d.name) for d in docs] == [(1, "Blue Jacket"), (2, "Veste Bleue")]
    assert docs[0].description == "Warm & dry"


def test_disabled_or_invisible_products_have_no_document() -> None:
    assert build_documents(_product(status="2"), [], TREE, TODAY) == []
    assert build_documents(_product(visibility="1"), [], TREE, TODAY) == []
    assert len(build_documents(_product(visibility="2"), [], TREE, TODAY)) == 2


def test_categories_carry_names_paths_and_anchor_ancestors() -> None:
    doc = build_documents(_product(), [], TREE, TODAY)[1]
    assert doc.categories[0].name == "Jackets FR"
    assert doc.categories[0].path == "Men FR / Tops FR / Jackets FR"
    assert doc.category_ids == (3, 5)  # Tops is not an anchor


def test_special_price_applies_inside_its_dates_only() -> None:
    values = {"price": "100.000000", "special_price": "80.000000"}
    assert effective_price(values, TODAY) == Decimal("80.0000")
    later = {**values, "special_from_date": "2026-07-01 00:00:00"}
    assert effective_price(later, TODAY) == Decimal("100.0000")
    ended = {**values, "special_to_date": "2026-06-14 00:00:00"}
    assert effective_price(ended, TODAY) == Decimal("100.0000")
    higher = {"price": "50.000000", "special_price": "80.000000"}
    assert effective_price(higher, TODAY) == Decimal("50.0000")


def test_configurable_takes_children_prices_stock_and_attributes() -> None:
    child_a = _product(11, price="30.000000", visibility="1", in_stock=False, color="7")
    child_b = _product(12, price="20.000000", visibility="1", in_stock=True, color="9")
    disabled = _product(13, price="5.000000", visibility="1", status="2", color="3")
    parent = _product(10, type_id="configurable").model_copy(
        update={"configurable_children": [11, 12, 13], "configurable_attributes": ["color"]}
    )
    doc = build_documents(parent, [child_a, child_b, disabled], TREE, TODAY)[0]
    assert doc.final_price == Decimal("20.0000")
    assert doc.in_stock is True
    assert doc.child_attributes == {"color": ("7", "9")}
    assert doc.child_skus == ("SKU-11", "SKU-12")
    no_stock = build_documents(parent, [child_a], TREE, TODAY)[0]
    assert no_stock.in_stock is False


def test_plain_text_strips_markup() -> None:
    assert plain_text("<b>Soft</b>\n<i>wool</i> &lt;3") == "Soft wool <3"
    assert plain_text(None) == ""
