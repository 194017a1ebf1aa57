"""Customer addresses as Magento 2.4.8's `AddressRepository` and the customer save handle them.

An address names its customer's defaults with `default_billing` / `default_shipping` flags
(`Address\\Relation`): a flagged address becomes the default, an unflagged current default stops
being one, and deleting a default clears it (`Address\\DeleteRelation`). A customer save that
carries `addresses` replaces the set: addresses with an id are updated, the others created, and
the customer's addresses left out are deleted.
"""

from __future__ import annotations

from typing import Any

from ficus_contracts.customers import CustomerState
from ficus_legacy.core.customer_json import render_address
from ficus_legacy.core.webapi_errors import InputError, NoSuchEntity
from ficus_legacy.customers import grid, read
from ficus_standin.db import Connection, dict_cursor

_REQUIRED = ("firstname", "lastname", "street", "city", "country_id", "telephone")
_COLUMNS = (
    "firstname", "lastname", "middlename", "prefix", "suffix", "company", "city", "country_id",
    "postcode", "telephone", "fax", "vat_id",
)  # fmt: skip
_DEFAULTS = ("default_billing", "default_shipping")


def _ids(conn: Connection, customer_id: int) -> set[int]:
    with conn.cursor() as cur:
        cur.execute(
            "SELECT entity_id FROM customer_address_entity WHERE parent_id = %s", (customer_id,)
        )
        return {int(row[0]) for row in cur.fetchall()}


def get(conn: Connection, address_id: int) -> dict[str, Any]:
    """`GET /V1/customers/addresses/{addressId}`."""
    state = _state(conn, int(_row(conn, address_id)["parent_id"]))
    return _render(state, address_id)


def default(conn: Connection, customer_id: int, kind: str) -> dict[str, Any] | None:
    """The customer's default `billing` / `shipping` address, None without one."""
    state = _state(conn, customer_id)
    address_id = state.default_billing if kind == "billing" else state.default_shipping
    return None if address_id is None else _render(state, address_id)


def _state(conn: Connection, customer_id: int) -> CustomerState:
    state = read(conn, [customer_id]).get(customer_id)
    if state is None:
        raise NoSuchEntity.field("customerId", customer_id)
    return state


def _render(state: CustomerState, address_id: int) -> dict[str, Any]:
    for address in state.addresses:
        if address.entity_id == address_id:
            return render_address(address, state)
    raise NoSuchEntity.field("addressId", address_id)


def delete(conn: Connection, address_id: int) -> int:
    """Delete the address (a default it was is cleared); returns its customer's id. The
    customer's row is locked first, as every customer write locks it (the saves here, the
    reverse worker's batches): one lock order, customer then addresses, so no deadlock."""
    customer_id = int(_row(conn, address_id)["parent_id"])
    with conn.cursor() as cur:
        cur.execute(
            "SELECT entity_id FROM customer_entity WHERE entity_id = %s FOR UPDATE", (customer_id,)
        )
        cur.execute("DELETE FROM customer_address_entity WHERE entity_id = %s", (address_id,))
        for flag in _DEFAULTS:
            cur.execute(
                f"UPDATE customer_entity SET {flag} = NULL WHERE entity_id = %s AND {flag} = %s",
                (customer_id, address_id),
            )
    return customer_id


def delete_by_id(conn: Connection, address_id: int) -> None:
    """`deleteById`: the address, a default it was, and its customer's grid row."""
    grid.refresh(conn, [delete(conn, address_id)])


def add(conn: Connection, customer_id: int, addresses: list[Any]) -> None:
    """Create the addresses of a new customer, with their default flags."""
    for data in addresses:
        _apply_flags(conn, customer_id, _save(conn, customer_id, _object(data), set()), data)


def replace(conn: Connection, customer_id: int, addresses: list[Any]) -> None:
    """The customer's address set becomes `addresses` (updated, created, the rest deleted)."""
    existing = _ids(conn, customer_id)
    kept: set[int] = set()
    for data in addresses:
        address_id = _save(conn, customer_id, _object(data), existing)
        kept.add(address_id)
        _apply_flags(conn, customer_id, address_id, data)
    for address_id in sorted(existing - kept):
        delete(conn, address_id)


def _object(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InputError.invalid("addresses", data)
    return data


def _save(conn: Connection, customer_id: int, data: dict[str, Any], owned: set[int]) -> int:
    for key in _REQUIRED:
        if not data.get(key):
            raise InputError.required(key)
    values = _values(customer_id, data)
    address_id = data.get("id")
    with conn.cursor() as cur:
        if address_id is None:
            cur.execute(
                f"INSERT INTO customer_address_entity ({', '.join(values)})"
                f" VALUES ({', '.join(['%s'] * len(values))})",
                list(values.values()),
            )
            return int(cur.lastrowid)
        if int(address_id) not in owned:
            raise NoSuchEntity.field("addressId", address_id)
        sets = ", ".join(f"`{k}` = %s" for k in values)
        cur.execute(
            f"UPDATE customer_address_entity SET {sets} WHERE entity_id = %s",
            [*values.values(), int(address_id)],
        )
        return int(address_id)


def _values(customer_id: int, data: dict[str, Any]) -> dict[str, Any]:
    street = data["street"]
    region = data.get("region") if isinstance(data.get("region"), dict) else {}
    values = {k: data.get(k) for k in _COLUMNS}
    values.update(
        parent_id=customer_id,
        street="\n".join(map(str, street)) if isinstance(street, list) else str(street),
        region=region.get("region"),  # type: ignore[union-attr]
        region_id=data.get("region_id") or region.get("region_id") or None,  # type: ignore[union-attr]
    )
    return values


def _apply_flags(conn: Connection, customer_id: int, address_id: int, data: dict[str, Any]) -> None:
    with conn.cursor() as cur:
        for flag in _DEFAULTS:
            if data.get(flag):
                cur.execute(
                    f"UPDATE customer_entity SET {flag} = %s WHERE entity_id = %s",
                    (address_id, customer_id),
                )
            else:  # an unflagged default stops being one
                cur.execute(
                    f"UPDATE customer_entity SET {flag} = NULL"
                    f" WHERE entity_id = %s AND {flag} = %s",
                    (customer_id, address_id),
                )


def _row(conn: Connection, address_id: int) -> dict[str, Any]:
    with dict_cursor(conn) as cur:
        cur.execute("SELECT * FROM customer_address_entity WHERE entity_id = %s", (address_id,))
        row: dict[str, Any] | None = cur.fetchone()
    if row is None:
        raise NoSuchEntity.field("addressId", address_id)
    return row
