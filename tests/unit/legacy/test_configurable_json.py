"""OptionRepository::getList's JSON (ficus_legacy.core.configurable_json): field order, values
from the children's store-0 values, labels from label rows or the attribute."""

from __future__ import annotations

from ficus_contracts.events import ConfigurableOption
from ficus_legacy.core.configurable_json import LabelRow, render_options

COLOR = ConfigurableOption(id=12, attribute_id=93, attribute_code="color", position=1,
                           frontend_label="Color")  # fmt: skip
SIZE = ConfigurableOption(id=11, attribute_id=144, attribute_code="size", position=0,
                          frontend_label="Size")  # fmt: skip
CHILDREN = [{"color": "50", "size": "7"}, {"color": "49"}, {"color": "50", "size": None}]


def test_options_by_id_with_values_in_child_order_once_each() -> None:
    body = render_options(5, [COLOR, SIZE], CHILDREN)
    assert body == [
        {"id": 11, "attribute_id": "144", "label": "Size", "position": 0,
         "values": [{"value_index": 7}], "product_id": 5},
        {"id": 12, "attribute_id": "93", "label": "Color", "position": 1,
         "values": [{"value_index": 50}, {"value_index": 49}], "product_id": 5},
    ]  # fmt: skip


def test_label_rows_name_the_option_unless_use_default() -> None:
    own = render_options(5, [COLOR], [], {12: (LabelRow(0, "Colour"), LabelRow(0, "Couleur"))})
    assert (own[0]["label"], own[0]["is_use_default"]) == ("Couleur", False)
    assert list(own[0]) == ["id", "attribute_id", "label", "position", "is_use_default",
                            "values", "product_id"]  # fmt: skip
    default = render_options(5, [COLOR], [], {12: (LabelRow(0, "Colour"), None)})
    assert default[0]["label"] == "Colour"
    used = render_options(5, [COLOR], [], {12: (LabelRow(0, "Colour"), LabelRow(1, "X"))})
    assert (used[0]["label"], used[0]["is_use_default"]) == ("Color", True)
    empty = render_options(5, [COLOR], [], {12: (LabelRow(None, None), None)})
    assert empty[0]["label"] == "Color" and "is_use_default" not in empty[0]


def test_no_label_at_all_is_left_out() -> None:
    bare = ConfigurableOption(id=1, attribute_id=2, attribute_code="x")
    assert render_options(3, [bare], [{"x": ""}]) == [
        {"id": 1, "attribute_id": "2", "position": 0, "values": [], "product_id": 3}
    ]
