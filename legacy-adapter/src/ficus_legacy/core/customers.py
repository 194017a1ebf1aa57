"""Flatten Magento's customer rows into `CustomerState`, and diff two states (pure).

Both the MySQL reader (`ficus_legacy.customers`, pymysql rows) and sync's projector (rows of
its Postgres mirror, typed by the capture envelope) call `customer_state`, so a value may
arrive as str, int, Decimal, date/datetime, epoch milliseconds (DATETIME), ISO text
(TIMESTAMP) or epoch days (DATE); every representation of the same rows gives the same state.

EAV value rows (`customer_entity_*`, `customer_address_entity_*`: attribute_id, entity_id,
value) are keyed by attribute code through one caller-supplied `{attribute_id: info}` map;
attribute ids are unique across entity types, so one map may serve customers and addresses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from ficus_contracts.customers import AddressState, CustomerState
from ficus_legacy.core.flatten import AttributeInfo, Row, canonical_datetime, store_attributes

__all__ = [
    "ADDRESS_COLUMNS",
    "CUSTOMER_COLUMNS",
    "address_state",
    "canonical_date",
    "customer_state",
    "eav_values",
    "state_diff",
]

_EPOCH_DATE = date(1970, 1, 1)


def canonical_date(value: Any) -> str:
    """A DATE as "YYYY-MM-DD"; accepts date, datetime, epoch days (int) or ISO text."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return (_EPOCH_DATE + timedelta(days=value)).isoformat()
    return str(value).strip()[:10]


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _flag(value: Any) -> bool:
    return bool(int(value))


def _nullable(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else convert(value)


# The static columns the states carry, with how each column's value is made canonical.
_REQUIRED: dict[str, Callable[[Any], Any]] = {"int": int, "text": _nullable(_text), "flag": _flag}
_OPTIONAL: dict[str, Callable[[Any], Any]] = {
    "int?": _nullable(int),
    "text?": _nullable(_text),
    "datetime": canonical_datetime,
    "datetime?": _nullable(canonical_datetime),
    "date?": _nullable(canonical_date),
}
_KINDS = {**_REQUIRED, **_OPTIONAL}

CUSTOMER_COLUMNS: dict[str, str] = {
    "entity_id": "int", "website_id": "int?", "email": "text", "group_id": "int",
    "store_id": "int?", "created_at": "datetime", "updated_at": "datetime", "is_active": "flag",
    "disable_auto_group_change": "int", "created_in": "text?", "prefix": "text?",
    "firstname": "text?", "middlename": "text?", "lastname": "text?", "suffix": "text?",
    "dob": "date?", "password_hash": "text?", "rp_token": "text?",
    "rp_token_created_at": "datetime?", "default_billing": "int?", "default_shipping": "int?",
    "taxvat": "text?", "confirmation": "text?", "gender": "int?", "failures_num": "int",
    "first_failure": "datetime?", "lock_expires": "datetime?",
}  # fmt: skip
"""customer_entity columns of `CustomerState` → value kind."""

ADDRESS_COLUMNS: dict[str, str] = {
    "entity_id": "int", "is_active": "flag", "firstname": "text", "lastname": "text",
    "middlename": "text?", "prefix": "text?", "suffix": "text?", "company": "text?",
    "street": "text", "city": "text", "region": "text?", "region_id": "int?",
    "postcode": "text?", "country_id": "text", "telephone": "text", "fax": "text?",
    "vat_id": "text?", "created_at": "datetime", "updated_at": "datetime",
}  # fmt: skip
"""customer_address_entity columns of `AddressState` → value kind."""

_DEFAULTS = {"group_id": 0, "disable_auto_group_change": 0, "failures_num": 0, "is_active": 1}


def _columns(row: Row, columns: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, kind in columns.items():
        value = row.get(name)
        if value is None and name in _DEFAULTS:
            value = _DEFAULTS[name]
        out[name] = _KINDS[kind](value)
    return out


def eav_values(values: Iterable[Row], attributes: Mapping[int, AttributeInfo]) -> dict[str, Any]:
    """Value rows (attribute_id, value) of one entity → {code: Magento's text}, sorted."""
    return store_attributes(values, attributes, ())[0]


def address_state(
    row: Row, values: Iterable[Row], attributes: Mapping[int, AttributeInfo]
) -> AddressState:
    """One customer_address_entity row and its EAV value rows as an `AddressState`."""
    return AddressState(**_columns(row, ADDRESS_COLUMNS), attributes=eav_values(values, attributes))


def customer_state(
    entity: Row,
    values: Iterable[Row],
    addresses: Iterable[Row],
    address_values: Mapping[int, Iterable[Row]],
    attributes: Mapping[int, AttributeInfo],
) -> CustomerState:
    """A customer's full state from its rows.

    `entity` is the customer_entity row; `values` its customer_entity_* value rows;
    `addresses` its customer_address_entity rows (rows of another parent are ignored);
    `address_values` the customer_address_entity_* rows by address entity_id.
    """
    entity_id = int(entity["entity_id"])
    own = (a for a in addresses if a.get("parent_id") is None or int(a["parent_id"]) == entity_id)
    return CustomerState(
        **_columns(entity, CUSTOMER_COLUMNS),
        attributes=eav_values(values, attributes),
        addresses=sorted(
            (
                address_state(a, address_values.get(int(a["entity_id"]), ()), attributes)
                for a in own
            ),
            key=lambda a: a.entity_id,
        ),
    )


def state_diff(a: CustomerState, b: CustomerState) -> list[str]:
    """Names of the top-level fields that differ; `addresses` as one field, EAV attributes
    one by one as `attributes.<code>` (a code present on one side only differs)."""
    changed = [
        name
        for name in CustomerState.model_fields
        if name != "attributes" and getattr(a, name) != getattr(b, name)
    ]
    codes = sorted(set(a.attributes) | set(b.attributes))
    changed += [
        f"attributes.{code}"
        for code in codes
        if code not in a.attributes
        or code not in b.attributes
        or a.attributes[code] != b.attributes[code]
    ]
    return changed
