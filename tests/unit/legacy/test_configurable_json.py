"""OptionRepository::getList's JSON (ficus_legacy.core.configurable_json): field order, values
from the children's store-0 values, labels from label rows or the attribute."""

from __future__ import annotations

from ficus_contracts.events import ConfigurableOption, OptionLabel
from ficus_legacy.core.configurable_json import render_options

COLOR = ConfigurableOption(id=12, attribute_id=93, attribute_code="color", position=1,
                           frontend_label="Color")  # fmt: skip
SIZE = ConfigurableOption(id=11, attribute_id=144, attribute_code="size", position=0,
                          frontend_label="Size")  # fmt: skip
CHILDREN = [{"color": "50", "size": "7"}, {"color": "49"}, {"color": "50", "size": None}]


def test_options_by_id_with_values_in_child_order_once_each() -> None:
    body = render_options(5, [COLOR, SIZE], CHILDREN, 1)
    assert body == [
        {"id": 11, "attribute_id": "144", "label": "Size", "position": 0,
         "values": [{"value_index": 7}], "product_id": 5},
        {"id": 12, "attribute_id": "93", "label": "Color", "position": 1,
         "values": [{"value_index": 50}, {"value_index": 49}], "product_id": 5},
    ]  # fmt: skip


def _labelled(**labels: tuple[int | None, str | None]) -> ConfigurableOption:
    rows = {int(k[1:]): OptionLabel(use_default=u, value=v) for k, (u, v) in labels.items()}
    return COLOR.model_copy(update={"labels": rows})


def test_label_rows_name_the_option_unless_use_default() -> None:
    both = _labelled(s0=(0, "Colour"), s2=(0, "Couleur"))
    [own] = render_options(5, [both], [], 2)
    assert (own["label"], own["is_use_default"]) == ("Couleur", False)
    assert list(own) == ["id", "attribute_id", "label", "position", "is_use_default",
                         "values", "product_id"]  # fmt: skip
    assert render_options(5, [both], [], 1)[0]["label"] == "Colour"  # no row of its own
    assert render_options(5, [both], [], 0)[0]["label"] == "Colour"
    used = render_options(5, [_labelled(s0=(0, "Colour"), s2=(1, "X"))], [], 2)[0]
    assert (used["label"], used["is_use_default"]) == ("Color", True)
    empty = render_options(5, [_labelled(s0=(None, None))], [], 0)[0]
    assert empty["label"] == "Color" and "is_use_default" not in empty
    orphan = render_options(5, [_labelled(s2=(0, "Couleur"))], [], 2)[0]
    assert orphan["label"] == "Color" and "is_use_default" not in orphan  # store 0 row first


def test_no_label_at_all_is_left_out() -> None:
    bare = ConfigurableOption(id=1, attribute_id=2, attribute_code="x")
    assert render_options(3, [bare], [{"x": ""}], 0) == [
        {"id": 1, "attribute_id": "2", "position": 0, "values": [], "product_id": 3}
    ]
