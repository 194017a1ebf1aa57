"""`customer_grid_flat`, kept the way Magento's `customer_grid` indexer keeps it.

Magento 2.4.8 (Customer/etc/indexer.xml, di.xml): one row per customer_entity row; `name` is
`TRIM(CONCAT_WS(' ', prefix, firstname, middlename, lastname, suffix))` (ConcatExpression),
`billing_full` / `shipping_full` the same over the default billing / shipping address's
street, city, region, postcode; `billing_*` are that address's columns. Nothing here commits:
the caller owns the transaction (a customer write refreshes its row in the same one).
"""

from __future__ import annotations

from collections.abc import Iterable

from ficus_legacy.core.sql import in_chunks, placeholders
from ficus_legacy.types import Connection

__all__ = ["GRID_TABLE", "refresh", "refresh_all"]

GRID_TABLE = "customer_grid_flat"

_BILLING = (
    "firstname", "lastname", "telephone", "postcode", "country_id", "region", "region_id",
    "street", "city", "fax", "vat_id", "company",
)  # fmt: skip


def _full(alias: str) -> str:
    parts = ", ".join(f"{alias}.{c}" for c in ("street", "city", "region", "postcode"))
    return f"TRIM(CONCAT_WS(' ', {parts}))"


_SELECT = f"""
SELECT e.entity_id,
       TRIM(CONCAT_WS(' ', e.prefix, e.firstname, e.middlename, e.lastname, e.suffix)),
       e.email, e.group_id, e.created_at, e.website_id, e.confirmation, e.created_in, e.dob,
       e.gender, e.taxvat, e.lock_expires, {_full("shipping")}, {_full("billing")},
       {", ".join(f"billing.{c}" for c in _BILLING)}
FROM customer_entity e
LEFT JOIN customer_address_entity billing ON billing.entity_id = e.default_billing
LEFT JOIN customer_address_entity shipping ON shipping.entity_id = e.default_shipping
"""

_COLUMNS = (
    "entity_id, name, email, group_id, created_at, website_id, confirmation, created_in, dob,"
    " gender, taxvat, lock_expires, shipping_full, billing_full, "
    + ", ".join(f"billing_{c}" for c in _BILLING)
)


def refresh(conn: Connection, entity_ids: Iterable[int]) -> None:
    """Recompute the grid rows of `entity_ids`; rows of customers gone are deleted."""
    ids = sorted(set(entity_ids))
    for chunk in in_chunks(ids):
        marks = placeholders(chunk)
        with conn.cursor() as cur:
            cur.execute(f"DELETE FROM {GRID_TABLE} WHERE entity_id IN ({marks})", chunk)
            cur.execute(
                f"INSERT INTO {GRID_TABLE} ({_COLUMNS}) {_SELECT} WHERE e.entity_id IN ({marks})",
                chunk,
            )


def refresh_all(conn: Connection) -> None:
    """Rebuild the whole grid set-based, as `bin/magento indexer:reindex customer_grid` does."""
    with conn.cursor() as cur:
        cur.execute(f"DELETE FROM {GRID_TABLE}")
        cur.execute(f"INSERT INTO {GRID_TABLE} ({_COLUMNS}) {_SELECT}")
