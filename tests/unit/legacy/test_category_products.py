"""CategoryLinkManagement::getAssignedProducts as Magento 2.4.8's category-product index and
product collection give it (ficus_legacy.core.category_products)."""

from __future__ import annotations

from ficus_legacy.core.category_products import Listed, Node, Scope, assigned_products

ROOT = Node(2, "1/2", anchor=True, active=True)
TOP = Node(3, "1/2/3", anchor=True, active=True)
LEAF = Node(4, "1/2/3/4", anchor=True, active=True)
SHUT = Node(5, "1/2/3/5", anchor=True, active=False)
FLAT = Node(6, "1/2/6", anchor=False, active=True)
OTHER = Node(7, "1/7", anchor=True, active=True)  # another root tree
NODES = [Node(1, "1", True, True), ROOT, TOP, LEAF, SHUT, FLAT, OTHER]
SCOPE = Scope(store_id=1, website_id=1, root_path="1/2")


def _product(entity_id: int, links: dict[int, int], **kw: object) -> Listed:
    base: dict[str, object] = {
        "sku": f"p{entity_id}",
        "website_ids": frozenset({1}),
        "status": 1,
        "visibility": 4,
    }
    base.update(kw)
    return Listed(entity_id=entity_id, links=links, **base)  # type: ignore[arg-type]


def _rows(
    category: Node, products: list[Listed], scope: Scope | None = SCOPE
) -> list[tuple[str, int]]:
    body = assigned_products(category, scope, NODES, products)
    assert all(item["category_id"] == str(category.entity_id) for item in body)
    assert all(list(item) == ["sku", "position", "category_id"] for item in body)
    return [(item["sku"], item["position"]) for item in body]


def test_store_zero_lists_every_direct_link_whatever_its_state() -> None:
    products = [
        _product(9, {3: 5}, status=2, visibility=1, website_ids=frozenset()),
        _product(8, {3: 0}),
        _product(7, {4: 1}),
    ]
    assert _rows(TOP, products, None) == [("p8", 0), ("p9", 5)]


def test_an_anchor_takes_its_active_descendants_products_at_position_plus_10000() -> None:
    products = [
        _product(10, {3: 7}),  # direct: its own position
        _product(11, {4: 2}),  # via the active leaf
        _product(12, {5: 1}),  # only in an inactive child: out
        _product(13, {3: 1, 4: 9}),  # direct wins over the leaf
    ]
    assert _rows(TOP, products) == [("p10", 7), ("p11", 10002), ("p13", 1)]


def test_the_index_drops_disabled_invisible_foreign_and_childless_composites() -> None:
    products = [
        _product(20, {4: 0}, status=2),
        _product(21, {4: 0}, visibility=1),
        _product(22, {4: 0}, website_ids=frozenset({2})),
        _product(23, {4: 0}, children_status=(2, 2)),
        _product(24, {4: 3}, children_status=(2, 1)),
        _product(25, {4: 4}, status=None),
    ]
    assert _rows(LEAF, products) == [("p24", 3)]


def test_a_non_anchor_lists_direct_links_only() -> None:
    products = [_product(30, {6: 4}), _product(31, {4: 1})]
    assert _rows(FLAT, products) == [("p30", 4)]
    flat_top = Node(3, "1/2/3", anchor=False, active=True)
    assert _rows(flat_top, [_product(32, {4: 1}), _product(33, {3: 2})]) == [("p33", 2)]


def test_the_root_lists_every_shown_product_of_the_website() -> None:
    products = [
        _product(40, {}),  # no category at all: position 0
        _product(41, {6: 8, 4: 3}),  # its lowest category's link
        _product(42, {7: 5}, children_status=(2,)),  # composites are not filtered here
        _product(43, {}, status=2),
    ]
    assert _rows(ROOT, products) == [("p40", 0), ("p41", 3), ("p42", 5)]


def test_a_category_outside_the_store_root_has_anchor_rows_only() -> None:
    products = [_product(50, {7: 1})]
    assert _rows(OTHER, products) == []
    below = Node(8, "1/7/8", anchor=True, active=True)
    nodes = [*NODES, below]
    body = assigned_products(OTHER, SCOPE, nodes, [_product(51, {8: 2}), _product(52, {7: 1})])
    assert [(i["sku"], i["position"]) for i in body] == [("p51", 10002)]


def test_the_root_catalog_is_empty_in_a_store_view() -> None:
    assert _rows(NODES[0], [_product(60, {1: 0})]) == []
