"""Flatten Magento rows into `ProductState` / `CategoryState` (pure: no driver imports).

Both the reference reader (MariaDB) and sync's projector (its Postgres mirror) call these
functions, so values may arrive as str, int, float, Decimal, date/datetime or epoch
milliseconds; `canonical` turns each into the text MariaDB returns for its column type:
decimal(20,6) → "12.500000", datetime → "YYYY-MM-DD HH:MM:SS", int → "1".

`attributes[0]` holds the store-0 defaults; `attributes[s]` for every given store view is the
defaults overlaid with that store's own rows. Only attributes with a value row appear.

The states are built without validation (`_built`, pydantic's `model_construct` when a field
is left to its default): every field value is already of its declared type (ints through
`int()`, texts through the canonical converters), so validation would only copy it.
`tests/unit/legacy/test_flatten_identity.py` holds the states byte-identical to the
validated ones (state hashes and events depend on it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, NamedTuple, Protocol, TypeVar

from ficus_contracts.events import (
    AttributeValue,
    CategoryLink,
    CategoryState,
    ConfigurableOption,
    OptionLabel,
    ProductState,
    StockItem,
)

__all__ = [
    "AttributeInfo",
    "AttributeRow",
    "active_store_ids",
    "attributes_from_rows",
    "canonical",
    "canonical_datetime",
    "canonical_decimal",
    "category_state",
    "product_state",
    "store_attributes",
]

DECIMAL_SCALE = {"decimal": 6}
Row = Mapping[str, Any]
_QUANTUM = {scale: Decimal(1).scaleb(-scale) for scale in (4, 6)}
_Model = TypeVar("_Model", CategoryLink, StockItem, ProductState, CategoryState)
_FIELDS: dict[type, int] = {}  # fields per model (`model_fields` is a descriptor: slow)


def _built(model: type[_Model], values: dict[str, Any]) -> _Model:
    """`model.model_construct(**values)` at a quarter of its cost, for values naming EVERY
    field (else, e.g. a field added to the contract later, model_construct fills defaults)."""
    fields = _FIELDS.get(model)
    if fields is None:
        fields = _FIELDS[model] = len(model.model_fields)
    if len(values) != fields:
        return model.model_construct(**values)
    built = model.__new__(model)
    object.__setattr__(built, "__dict__", values)
    object.__setattr__(built, "__pydantic_fields_set__", set(values))
    object.__setattr__(built, "__pydantic_extra__", None)
    object.__setattr__(built, "__pydantic_private__", None)
    return built


class AttributeInfo(Protocol):
    """What flattening needs of an attribute (`metadata.Attribute` satisfies it)."""

    @property
    def code(self) -> str: ...

    @property
    def backend_type(self) -> str: ...

    @property
    def frontend_label(self) -> str | None: ...


class AttributeRow(NamedTuple):
    """An eav_attribute row reduced to what flattening needs."""

    code: str
    backend_type: str
    frontend_label: str | None = None


def attributes_from_rows(rows: Iterable[Row], entity_type_id: int) -> dict[int, AttributeInfo]:
    """eav_attribute rows (e.g. from a mirror) → {attribute_id: info} of one entity type."""
    return {
        int(r["attribute_id"]): AttributeRow(
            str(r["attribute_code"]), str(r["backend_type"]), r.get("frontend_label")
        )
        for r in rows
        if int(r["entity_type_id"]) == entity_type_id
    }


def active_store_ids(store_rows: Iterable[Row]) -> list[int]:
    """`store` rows → ids of the active store views (store 0 excluded)."""
    return sorted(
        int(r["store_id"]) for r in store_rows if int(r["store_id"]) and int(r["is_active"])
    )


def canonical_decimal(value: Any, scale: int) -> str:
    """A decimal as MariaDB prints a decimal(p,scale) column: fixed `scale` digits."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if number.as_tuple().exponent == -scale:  # a mirror's numeric(p,scale): already there
        return f"{number:f}"
    quantum = _QUANTUM.get(scale) or Decimal(1).scaleb(-scale)
    return f"{number.quantize(quantum):f}"


def canonical_datetime(value: Any) -> str:
    """A datetime as "YYYY-MM-DD HH:MM:SS"; accepts datetime, date, epoch ms or ISO text."""
    if type(value) is datetime and value.tzinfo is None and value.year >= 1000:
        return value.isoformat(" ", "seconds")  # the common case, as strftime would print it
    if isinstance(value, datetime):
        moment = value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, int | float):
        moment = datetime.fromtimestamp(value / 1000, UTC).replace(tzinfo=None)
    else:
        text = str(value).strip().replace("Z", "+00:00")
        parsed = datetime.fromisoformat(text)
        moment = parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _decimal_text(value: Any) -> str:
    return canonical_decimal(value, DECIMAL_SCALE["decimal"])


def _int_text(value: Any) -> str:
    return str(value) if type(value) is int else str(int(value))


def _text(value: Any) -> str:
    if type(value) is str:
        return value
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


_CONVERTERS: dict[str, Callable[[Any], str]] = {
    "decimal": _decimal_text,
    "datetime": canonical_datetime,
    "int": _int_text,
}


def canonical(value: Any, backend_type: str) -> AttributeValue:
    """One EAV value as Magento's text for its backend type; None stays None."""
    if value is None:
        return None
    return _CONVERTERS.get(backend_type, _text)(value)


_Plan = tuple[str, Callable[[Any], str]]  # an attribute's code and its value converter
_PLANS: dict[int, tuple[Mapping[int, AttributeInfo], int, dict[int, _Plan]]] = {}


def _plans(attributes: Mapping[int, AttributeInfo]) -> dict[int, _Plan]:
    """{attribute_id: (code, converter)}, kept for the last few attribute maps (metadata maps
    are built once and not mutated; the entry holds the map, so its id is not reused)."""
    cached = _PLANS.get(id(attributes))
    if cached is not None and cached[0] is attributes and cached[1] == len(attributes):
        return cached[2]
    plans = {
        attribute_id: (info.code, _CONVERTERS.get(info.backend_type, _text))
        for attribute_id, info in attributes.items()
    }
    if len(_PLANS) >= 16:
        _PLANS.pop(next(iter(_PLANS)))
    _PLANS[id(attributes)] = (attributes, len(attributes), plans)
    return plans


def store_attributes(
    values: Iterable[Row],
    attributes: Mapping[int, AttributeInfo],
    store_ids: Iterable[int],
) -> dict[int, dict[str, AttributeValue]]:
    """EAV value rows (attribute_id, store_id, value) → {store: {code: text}}.

    Rows of attributes missing from `attributes` are ignored (e.g. a deleted attribute).
    """
    by_store: dict[int, dict[str, AttributeValue]] = {}
    plans = _plans(attributes)
    for row in values:
        plan = plans.get(row["attribute_id"]) or plans.get(int(row["attribute_id"]))
        if plan is None:
            continue
        value = row["value"]
        if value is not None:
            value = plan[1](value)
        store = row.get("store_id") or 0
        if type(store) is not int:
            store = int(store)
        if store in by_store:
            by_store[store][plan[0]] = value
        else:
            by_store[store] = {plan[0]: value}
    defaults = dict(sorted(by_store.get(0, {}).items()))
    result = {0: defaults}
    for store in sorted(set(store_ids) - {0}):
        own = by_store.get(store)  # most store views only inherit: a copy of the sorted defaults
        result[store] = dict(sorted({**defaults, **own}.items())) if own else defaults.copy()
    return result


def _stock_item(row: Row | None) -> StockItem | None:
    if row is None:
        return None
    low = row.get("low_stock_date")
    return _built(
        StockItem,
        dict(
            item_id=int(row["item_id"]),
            stock_id=int(row.get("stock_id", 1)),
            qty=None if row.get("qty") is None else canonical_decimal(row["qty"], 4),
            is_in_stock=bool(int(row["is_in_stock"])),
            manage_stock=bool(int(row.get("manage_stock", 1))),
            use_config_manage_stock=bool(int(row.get("use_config_manage_stock", 1))),
            min_sale_qty=canonical_decimal(row.get("min_sale_qty", 1), 4),
            max_sale_qty=canonical_decimal(row.get("max_sale_qty", 10000), 4),
            low_stock_date=None if low is None else canonical_datetime(low),
        ),
    )


def _options(
    supers: Iterable[Row], attributes: Mapping[int, AttributeInfo], label_rows: Iterable[Row]
) -> list[ConfigurableOption]:
    """The super attribute rows as options, by id (the order Magento's OptionLoader reads),
    with their label rows by store."""
    labels: dict[int, dict[int, OptionLabel]] = {}
    for r in label_rows:
        use = r.get("use_default")
        label = OptionLabel(use_default=None if use is None else int(use), value=r.get("value"))
        labels.setdefault(int(r["product_super_attribute_id"]), {})[int(r["store_id"])] = label
    return [
        ConfigurableOption(
            id=int(r["product_super_attribute_id"]),
            attribute_id=int(r["attribute_id"]),
            attribute_code=attributes[int(r["attribute_id"])].code,
            position=int(r["position"]),
            frontend_label=attributes[int(r["attribute_id"])].frontend_label,
            labels=dict(sorted(labels.get(int(r["product_super_attribute_id"]), {}).items())),
        )
        for r in sorted(supers, key=lambda r: int(r["product_super_attribute_id"]))
        if int(r["attribute_id"]) in attributes
    ]


def product_state(
    entity: Row,
    values: Iterable[Row],
    attributes: Mapping[int, AttributeInfo],
    store_ids: Iterable[int],
    *,
    website_ids: Iterable[int] = (),
    category_links: Iterable[Row] = (),
    stock_item: Row | None = None,
    super_links: Iterable[Row] = (),
    super_attributes: Iterable[Row] = (),
    super_labels: Iterable[Row] = (),
) -> ProductState:
    """A product's full state from its rows.

    `entity` is the catalog_product_entity row; `values` the rows of the 5 value tables;
    `category_links` catalog_category_product rows; `super_links` catalog_product_super_link
    rows whose parent_id is this product; `super_attributes` its
    catalog_product_super_attribute rows, `super_labels` their
    catalog_product_super_attribute_label rows.
    """
    entity_id = int(entity["entity_id"])
    supers = sorted(super_attributes, key=lambda r: (int(r["position"]), int(r["attribute_id"])))
    return _built(
        ProductState,
        dict(
            entity_id=entity_id,
            sku=str(entity["sku"]),
            type_id=str(entity["type_id"]),
            attribute_set_id=int(entity["attribute_set_id"]),
            has_options=int(entity.get("has_options") or 0),
            required_options=int(entity.get("required_options") or 0),
            created_at=canonical_datetime(entity["created_at"]),
            updated_at=canonical_datetime(entity["updated_at"]),
            website_ids=sorted({int(w) for w in website_ids}),
            category_links=[
                _built(
                    CategoryLink,
                    {"category_id": int(r["category_id"]), "position": int(r.get("position") or 0)},
                )
                for r in sorted(category_links, key=lambda r: int(r["category_id"]))
            ],
            stock_item=_stock_item(stock_item),
            configurable_children=sorted(
                {int(r["product_id"]) for r in super_links if int(r["parent_id"]) == entity_id}
            ),
            configurable_attributes=[
                attributes[int(r["attribute_id"])].code
                for r in supers
                if int(r["attribute_id"]) in attributes
            ],
            configurable_options=_options(supers, attributes, super_labels),
            attributes=store_attributes(values, attributes, store_ids),
        ),
    )


def category_state(
    entity: Row,
    values: Iterable[Row],
    attributes: Mapping[int, AttributeInfo],
    store_ids: Iterable[int],
) -> CategoryState:
    """A category's full state from its catalog_category_entity row and value rows."""
    return _built(
        CategoryState,
        dict(
            entity_id=int(entity["entity_id"]),
            parent_id=int(entity["parent_id"]),
            path=str(entity["path"]),
            position=int(entity["position"]),
            level=int(entity["level"]),
            children_count=int(entity.get("children_count") or 0),
            created_at=canonical_datetime(entity["created_at"]),
            updated_at=canonical_datetime(entity["updated_at"]),
            attributes=store_attributes(values, attributes, store_ids),
        ),
    )
