"""`GET /V1/configurable-products/{sku}/options/all` (OptionRepository::getList) as Magento
2.4.8 answers it (pure: the stand-in and the catalog both call `render_options`).

Each option is the product's `catalog_product_super_attribute` row as `OptionLoader` reads it
(by id, no ORDER BY over the primary key): `{id, attribute_id (a string), label, position,
is_use_default (only when the option has label rows), values: [{value_index}], product_id}`.
- `values`: the children's store-0 values of the attribute (`entity_value.store_id = 0` in
  `Configurable::getAttributeOptionsSelect`), children in link order, each value once, where
  first seen; a child without a store-0 value adds none.
- `label` (`Attribute::getLabel`): the label rows' value (the store view's row over store 0's,
  read only when store 0 has one) unless `use_default`, or the attribute's store label when
  there is no value; the store label is `frontend_label` (no `eav_attribute_label` rows in the
  schema).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ficus_contracts.events import ConfigurableOption

ONLY_CONFIGURABLE = "Only implemented for configurable product: %1"


def _label(option: ConfigurableOption, store_id: int) -> tuple[str | None, bool | None]:
    """(label, is_use_default) as `_loadLabels` (store 0's row, the view's over it) and
    `getLabel` give them."""
    default = option.labels.get(0)
    own = option.labels.get(store_id) if store_id else None
    if default is None:
        return option.frontend_label, None
    use_default = own.use_default if own is not None else default.use_default
    value = own.value if own is not None else default.value
    if use_default or value is None:
        value = option.frontend_label
    return value, None if use_default is None else bool(use_default)


def _values(code: str, children: Sequence[Mapping[str, str | None]]) -> list[dict[str, int]]:
    seen: dict[int, None] = {}
    for child in children:
        raw = child.get(code)
        if raw is not None and raw != "":
            seen.setdefault(int(raw), None)
    return [{"value_index": value} for value in seen]


def render_options(
    product_id: int,
    options: Iterable[ConfigurableOption],
    children: Sequence[Mapping[str, str | None]],
    store_id: int,
) -> list[dict[str, Any]]:
    """The options of configurable `product_id` in `store_id`; `children` are its children's
    store-0 values (in link order)."""
    out = []
    for option in sorted(options, key=lambda o: o.id):
        label, use_default = _label(option, store_id)
        body: dict[str, Any] = {"id": option.id, "attribute_id": str(option.attribute_id)}
        if label is not None:
            body["label"] = label
        body["position"] = option.position
        if use_default is not None:
            body["is_use_default"] = use_default
        body["values"] = _values(option.attribute_code, children)
        body["product_id"] = product_id
        out.append(body)
    return out
