"""Quote billing/shipping addresses and the chosen shipping method."""

from __future__ import annotations

from typing import Any

from ficus_legacy.core.webapi_errors import InputError
from ficus_standin.db import Connection, dict_cursor

REQUIRED = ("firstname", "lastname", "street", "city", "country_id", "telephone")
_COPIED = (
    "email",
    "firstname",
    "lastname",
    "company",
    "city",
    "postcode",
    "country_id",
    "telephone",
)


def validate(data: object, name: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InputError.required(name)
    for key in REQUIRED:
        if not data.get(key):
            raise InputError.required(key)
    return data


def _columns(data: dict[str, Any]) -> dict[str, Any]:
    street = data.get("street")
    region = data.get("region")
    values = {k: data.get(k) for k in _COPIED}
    values["street"] = "\n".join(street) if isinstance(street, list) else street
    values["region"] = region if isinstance(region, str) else data.get("region_code")
    values["region_id"] = data.get("region_id")
    values["customer_address_id"] = data.get("customer_address_id")
    return values


def save(
    conn: Connection,
    quote: dict[str, Any],
    kind: str,
    data: dict[str, Any],
    method: str | None = None,
) -> None:
    """Replace the quote's address of `kind` (billing/shipping)."""
    values = _columns(data)
    values.update(
        quote_id=quote["entity_id"],
        address_type=kind,
        customer_id=quote["customer_id"],
        shipping_method=method,
        shipping_description="Flat Rate - Fixed" if method else None,
        same_as_billing=int(bool(data.get("same_as_billing"))),
    )
    with dict_cursor(conn) as cur:
        cur.execute(
            "DELETE FROM quote_address WHERE quote_id = %s AND address_type = %s",
            (quote["entity_id"], kind),
        )
        cur.execute(
            f"INSERT INTO quote_address ({', '.join(values)})"
            f" VALUES ({', '.join(['%s'] * len(values))})",
            list(values.values()),
        )
        if method:
            cur.execute(
                "INSERT INTO quote_shipping_rate (address_id, carrier, carrier_title, code, method,"
                " method_title, price) VALUES (%s, 'flatrate', 'Flat Rate', 'flatrate_flatrate',"
                " 'flatrate', 'Fixed', 0)",
                (cur.lastrowid,),
            )


def load(conn: Connection, quote_id: int) -> dict[str, dict[str, Any]]:
    with dict_cursor(conn) as cur:
        cur.execute("SELECT * FROM quote_address WHERE quote_id = %s", (quote_id,))
        return {row["address_type"]: dict(row) for row in cur.fetchall()}


def render(row: dict[str, Any]) -> dict[str, Any]:
    out = {
        "id": row["address_id"],
        "region": row["region"],
        "region_id": row["region_id"],
        "region_code": row["region"],
        "country_id": row["country_id"],
        "street": (row["street"] or "").split("\n"),
        "company": row["company"],
        "telephone": row["telephone"],
        "postcode": row["postcode"],
        "city": row["city"],
        "firstname": row["firstname"],
        "lastname": row["lastname"],
        "email": row["email"],
        "same_as_billing": row["same_as_billing"],
        "save_in_address_book": 0,
    }
    return {k: v for k, v in out.items() if v is not None}
