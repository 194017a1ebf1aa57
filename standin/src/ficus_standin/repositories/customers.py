"""Customers as Magento's CustomerRepository reads and writes them (static columns)."""

from __future__ import annotations

from typing import Any

from ficus_legacy.core.passwords import hash_password
from ficus_legacy.core.searchcriteria import SearchCriteria
from ficus_legacy.customers import grid
from ficus_standin import sqlsearch
from ficus_standin.db import Connection, dict_cursor
from ficus_standin.errors import InputError, NoSuchEntity
from ficus_standin.repositories.customer_auth import check_strength
from ficus_standin.stores import Store

_SEARCHABLE = frozenset(
    [
        "entity_id",
        "website_id",
        "email",
        "group_id",
        "store_id",
        "created_at",
        "updated_at",
        "is_active",
        "created_in",
        "firstname",
        "middlename",
        "lastname",
        "prefix",
        "suffix",
        "dob",
        "taxvat",
        "gender",
        "default_billing",
        "default_shipping",
    ]
)
_ALIASES = {"id": "entity_id"}
_WRITABLE = ("prefix", "firstname", "middlename", "lastname", "suffix", "dob", "taxvat", "gender")
_ADDRESS_FIELDS = (
    "firstname",
    "lastname",
    "city",
    "country_id",
    "telephone",
    "postcode",
    "company",
)
DUPLICATE_EMAIL = "A customer with the same email address already exists in an associated website."


def _fmt(value: Any) -> Any:
    return value.strftime("%Y-%m-%d %H:%M:%S") if hasattr(value, "strftime") else value


def _address(row: dict[str, Any], customer: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": row["entity_id"],
        "customer_id": row["parent_id"],
        "region": {
            "region_code": row["region"],
            "region": row["region"],
            "region_id": row["region_id"] or 0,
        },
        "region_id": row["region_id"] or 0,
        "country_id": row["country_id"],
        "street": (row["street"] or "").split("\n"),
        "company": row["company"],
        "telephone": row["telephone"],
        "postcode": row["postcode"],
        "city": row["city"],
        "firstname": row["firstname"],
        "lastname": row["lastname"],
    }
    if customer["default_shipping"] == row["entity_id"]:
        out["default_shipping"] = True
    if customer["default_billing"] == row["entity_id"]:
        out["default_billing"] = True
    return {k: v for k, v in out.items() if v is not None}


def _render(row: dict[str, Any], addresses: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": row["entity_id"],
        "group_id": row["group_id"],
        "default_billing": None if row["default_billing"] is None else str(row["default_billing"]),
        "default_shipping": None
        if row["default_shipping"] is None
        else str(row["default_shipping"]),
        "created_at": _fmt(row["created_at"]),
        "updated_at": _fmt(row["updated_at"]),
        "created_in": row["created_in"],
        "dob": None if row["dob"] is None else str(row["dob"]),
        "email": row["email"],
        "firstname": row["firstname"],
        "lastname": row["lastname"],
        "middlename": row["middlename"],
        "gender": row["gender"],
        "store_id": row["store_id"],
        "taxvat": row["taxvat"],
        "website_id": row["website_id"],
        "addresses": [_address(a, row) for a in addresses],
        "disable_auto_group_change": row["disable_auto_group_change"],
        "extension_attributes": {"is_subscribed": False},
    }
    return {k: v for k, v in out.items() if v is not None}


def _addresses(conn: Connection, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    if not ids:
        return found
    marks = ", ".join(["%s"] * len(ids))
    with dict_cursor(conn) as cur:
        cur.execute(
            f"SELECT * FROM customer_address_entity WHERE parent_id IN ({marks})"
            " ORDER BY entity_id",
            ids,
        )
        for row in cur.fetchall():
            found[row["parent_id"]].append(row)
    return found


def get(conn: Connection, customer_id: int) -> dict[str, Any]:
    with dict_cursor(conn) as cur:
        cur.execute("SELECT * FROM customer_entity WHERE entity_id = %s", (customer_id,))
        row = cur.fetchone()
    if row is None:
        raise NoSuchEntity.field("customerId", customer_id)
    return _render(row, _addresses(conn, [customer_id])[customer_id])


def search(conn: Connection, criteria: SearchCriteria) -> tuple[list[dict[str, Any]], int]:
    plain = sqlsearch.column_resolver("c", _SEARCHABLE)

    def resolve(name: str) -> str | None:
        return plain(_ALIASES.get(name, name))

    where, params = sqlsearch.where_clause(criteria, resolve)
    order = sqlsearch.order_clause(criteria, resolve, "c.entity_id ASC")
    with dict_cursor(conn) as cur:
        cur.execute(f"SELECT COUNT(*) AS n FROM customer_entity c WHERE {where}", params)
        total = int(cur.fetchone()["n"])  # type: ignore[index]
        cur.execute(
            f"SELECT c.* FROM customer_entity c WHERE {where} ORDER BY {order}"
            + sqlsearch.limit_clause(criteria),
            params,
        )
        rows = list(cur.fetchall())
    addresses = _addresses(conn, [r["entity_id"] for r in rows])
    return [_render(r, addresses[r["entity_id"]]) for r in rows], total


def _insert_address(conn: Connection, customer_id: int, data: dict[str, Any]) -> int:
    for key in ("firstname", "lastname", "city", "country_id", "telephone", "street"):
        if not data.get(key):
            raise InputError.required(key)
    street = data["street"]
    region = data.get("region") if isinstance(data.get("region"), dict) else {}
    values = {k: data.get(k) for k in _ADDRESS_FIELDS}
    values.update(
        parent_id=customer_id,
        street="\n".join(street) if isinstance(street, list) else str(street),
        region=region.get("region"),  # type: ignore[union-attr]
        region_id=data.get("region_id") or region.get("region_id"),  # type: ignore[union-attr]
    )
    cols = ", ".join(values)
    with dict_cursor(conn) as cur:
        cur.execute(
            f"INSERT INTO customer_address_entity ({cols})"
            f" VALUES ({', '.join(['%s'] * len(values))})",
            list(values.values()),
        )
        return int(cur.lastrowid)


def create(conn: Connection, store: Store, data: dict[str, Any], password: str | None) -> int:
    """Insert the customer (and its addresses); returns its id."""
    for key in ("email", "firstname", "lastname"):
        if not data.get(key):
            raise InputError.required(key)
    if password is not None:
        check_strength(password)
    website_id = int(data.get("website_id") or store.website_id or 1)
    store_id = int(data.get("store_id") or store.store_id or 1)
    with dict_cursor(conn) as cur:
        cur.execute(
            "SELECT 1 FROM customer_entity WHERE email = %s AND website_id = %s",
            (data["email"], website_id),
        )
        if cur.fetchone():
            raise InputError(DUPLICATE_EMAIL)
        cur.execute("SELECT name FROM store WHERE store_id = %s", (store_id,))
        created_in = (cur.fetchone() or {}).get("name")
        values = {k: data.get(k) for k in _WRITABLE}
        values.update(
            email=data["email"],
            website_id=website_id,
            store_id=store_id,
            group_id=int(data.get("group_id") or 1),
            created_in=created_in,
            password_hash=hash_password(password) if password else None,
        )
        cur.execute(
            f"INSERT INTO customer_entity ({', '.join(values)})"
            f" VALUES ({', '.join(['%s'] * len(values))})",
            list(values.values()),
        )
        customer_id = int(cur.lastrowid)
    for address in data.get("addresses") or []:
        address_id = _insert_address(conn, customer_id, address)
        _set_defaults(conn, customer_id, address_id, address)
    grid.refresh(conn, [customer_id])  # the customer_grid indexer, in the same transaction
    return customer_id


def _set_defaults(
    conn: Connection, customer_id: int, address_id: int, data: dict[str, Any]
) -> None:
    with dict_cursor(conn) as cur:
        for flag in ("default_billing", "default_shipping"):
            if data.get(flag):
                cur.execute(
                    f"UPDATE customer_entity SET {flag} = %s WHERE entity_id = %s",
                    (address_id, customer_id),
                )
