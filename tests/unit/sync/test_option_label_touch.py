"""A super attribute label row touches its option, which the mirror resolves to the product."""

from __future__ import annotations

from ficus_sync.core.tables import CAPTURED, LOOKUP_COLUMNS, SUPER_LABEL, touched
from ficus_sync.mirror import TouchSet


def test_a_label_row_names_its_option_until_resolved() -> None:
    row = {"value_id": 3, "product_super_attribute_id": 12, "store_id": 1, "value": "Shade"}
    assert SUPER_LABEL in CAPTURED
    assert LOOKUP_COLUMNS[SUPER_LABEL] == "product_super_attribute_id"
    assert touched(SUPER_LABEL, row) == [(SUPER_LABEL, 12)]
    touches = TouchSet()
    touches.add_row(SUPER_LABEL, row)
    assert (touches.options, touches.keys) == ({12}, set())
    touches.resolve_options([7])
    assert (touches.options, touches.keys) == (set(), {("product", 7)})


def test_merged_touch_sets_keep_their_options() -> None:
    one, other = TouchSet(), TouchSet(options={4})
    one.merge(other)
    assert one.options == {4}
